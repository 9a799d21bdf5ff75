// The run record beside the runs table: fetched with GetRun (the rendered workflow only when its
// section is opened), refreshed after a comment is added with CommentRun. Non-modal, like the
// task drawer.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Run } from '../../../../core/rpc/gen/control.js';
import { call } from '../../api/client.js';
import { asBatonError } from '../../api/errors.js';
import { useConsole } from '../../store/context.js';
import { useNow } from '../shell/useNow.js';
import { RunDetail } from './RunDetail.js';

export function RunPanel({ runNumber, onClose }: { runNumber: number; onClose(): void }) {
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState('');
  const envs = useConsole((s) => s.envs);
  const now = useNow(1000);
  const ref = useRef<HTMLElement>(null);
  const load = useCallback(
    async (withRendered = false) => {
      try {
        setRun(await call('GetRun', { runNumber, withRendered }));
        setError('');
      } catch (e) {
        setError(asBatonError(e).message);
      }
    },
    [runNumber],
  );
  useEffect(() => {
    setRun(null);
    void load();
    ref.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [load]);
  const comment = async (text: string) => {
    try {
      const reply = await call('CommentRun', { runNumber, text });
      // the reply leaves the rendered workflow out: keep it if it was loaded
      setRun((prev) =>
        reply.config && prev?.config?.renderedJson ? { ...reply, config: { ...reply.config, renderedJson: prev.config.renderedJson } } : reply,
      );
    } catch (e) {
      throw new Error(asBatonError(e).message);
    }
  };
  return (
    <aside
      ref={ref}
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="run-drawer-h"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header className="drawer-head">
        <h2 id="run-drawer-h" tabIndex={-1}>
          Run {runNumber}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close the run record">
          ✕
        </button>
      </header>
      <div className="drawer-body">
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : !run ? (
          <p role="status">Loading run {runNumber}…</p>
        ) : (
          <RunDetail run={run} now={now} onComment={comment} envKnown={envs.has(run.envId)} onLoadRendered={() => void load(true)} />
        )}
      </div>
    </aside>
  );
}
