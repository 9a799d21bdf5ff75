// Runs ExcludeRole / IncludeRole for the console: what is under way (for the progress line), and
// how it ended: a refusal arrives as the controller's structured error (re-thrown by the API
// client as a BatonError) and is kept as its detail, to be shown field by field.
import { useCallback, useEffect, useState } from 'react';
import type { ErrorDetailLike } from '../../../../core/model/errors.js';
import { call } from '../../api/client.js';
import { asBatonError } from '../../api/errors.js';
import { useConsoleStore } from '../../store/context.js';
import { useSync } from '../shell/services.js';
import type { RoleAction } from './roleRules.js';

export interface RoleActionRun {
  action: RoleAction;
  role: string;
  startedMs: number;
}

export interface RoleActionOutcome extends RoleActionRun {
  ok: boolean;
  durationMs: number;
  /** with ok: the environment's state and run afterwards */
  state?: string;
  runNumber?: number;
  error?: ErrorDetailLike;
}

export function useRoleAction(envId: string) {
  const store = useConsoleStore();
  const sync = useSync();
  const [pending, setPending] = useState<RoleActionRun | null>(null);
  const [outcome, setOutcome] = useState<RoleActionOutcome | null>(null);
  useEffect(() => {
    setPending(null);
    setOutcome(null);
  }, [envId]);

  const run = useCallback(
    async (action: RoleAction, role: string) => {
      const started: RoleActionRun = { action, role, startedMs: Date.now() };
      setPending(started);
      setOutcome(null);
      // shown as the environment's progress: the transition buttons wait while the role goes out or in
      store.getState().setProgress(envId, { transition: action.toUpperCase(), phase: role, done: 0, total: 0, startedMs: started.startedMs });
      try {
        const env = await call(action === 'exclude' ? 'ExcludeRole' : 'IncludeRole', { envId, role });
        store.getState().upsertEnv(env);
        setOutcome({ ...started, ok: true, durationMs: Date.now() - started.startedMs, state: env.state, runNumber: env.runNumber });
      } catch (e) {
        setOutcome({ ...started, ok: false, durationMs: Date.now() - started.startedMs, error: asBatonError(e).detail });
        void sync.env(envId);
      } finally {
        store.getState().setProgress(envId, null);
        setPending(null);
        void sync.envs();
      }
    },
    [envId, store, sync],
  );

  return { run, pending, outcome, clearOutcome: () => setOutcome(null) };
}
