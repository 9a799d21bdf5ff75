// Runs a transition through the ControlEnvironment stream: progress (tasks done / total) into the
// store while it runs; the structured error when it fails.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorDetailLike } from '../../../../core/model/errors.js';
import { detailFromWire } from '../../api/errors.js';
import { openStream, type StreamHandle } from '../../api/stream.js';
import { useConsoleStore } from '../../store/context.js';
import { useSync } from '../shell/services.js';

export interface TransitionOutcome {
  transition: string;
  ok: boolean;
  state?: string;
  runNumber?: number;
  durationMs?: number;
  error?: ErrorDetailLike;
}

export function useTransition(envId: string) {
  const store = useConsoleStore();
  const sync = useSync();
  const [running, setRunning] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<TransitionOutcome | null>(null);
  const handle = useRef<StreamHandle | null>(null);
  useEffect(() => () => handle.current?.close(), []);
  useEffect(() => {
    setOutcome(null);
    setRunning(null);
  }, [envId]);

  const run = useCallback(
    (transition: string) => {
      setRunning(transition);
      setOutcome(null);
      const started = Date.now();
      store.getState().setProgress(envId, { transition, phase: 'begin', done: 0, total: 0, startedMs: started });
      const finish = (o: TransitionOutcome, endSeq?: number) => {
        handle.current = null;
        setRunning(null);
        setOutcome(o);
        if (endSeq) store.getState().transitionAnswered(envId, endSeq);
        else store.getState().setProgress(envId, null);
        void sync.env(envId);
        void sync.envs();
      };
      const h: StreamHandle = openStream(
        'ControlEnvironment',
        { id: envId, transition },
        {
          onMessage: (p) => {
            if (p.final) {
              finish(
                {
                  transition,
                  ok: p.ok,
                  state: p.state,
                  runNumber: p.runNumber,
                  durationMs: p.durationMs,
                  error: p.ok ? undefined : detailFromWire(p.error ?? { code: 'INTERNAL', message: `${transition} failed` }),
                },
                p.endSeq,
              );
              h.close();
            } else {
              store.getState().setProgress(envId, { transition, phase: p.phase, done: p.done, total: p.total, startedMs: started });
            }
          },
          onEnd: () => {
            if (handle.current === h) finish({ transition, ok: true });
          },
          onError: (e) => finish({ transition, ok: false, error: e.detail }),
        },
      );
      handle.current = h;
    },
    [envId, store, sync],
  );

  return { run, running, outcome, clearOutcome: () => setOutcome(null) };
}
