// App services reachable from components (the API sync), through a context for testability.
import { createContext, useContext, type ReactNode } from 'react';
import type { Sync } from '../../app/sync.js';

const SyncContext = createContext<Sync | null>(null);

export function SyncProvider({ sync, children }: { sync: Sync; children: ReactNode }) {
  return <SyncContext.Provider value={sync}>{children}</SyncContext.Provider>;
}

export function useSync(): Sync {
  const s = useContext(SyncContext);
  if (!s) throw new Error('useSync outside SyncProvider');
  return s;
}
