// The store reaches components through a context, so tests can render with a fresh store.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ConsoleState, ConsoleStore } from './store.js';

const StoreContext = createContext<ConsoleStore | null>(null);

export function StoreProvider({ store, children }: { store: ConsoleStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useConsoleStore(): ConsoleStore {
  const s = useContext(StoreContext);
  if (!s) throw new Error('useConsole outside StoreProvider');
  return s;
}

export function useConsole<T>(selector: (s: ConsoleState) => T): T {
  return useStore(useConsoleStore(), selector);
}
