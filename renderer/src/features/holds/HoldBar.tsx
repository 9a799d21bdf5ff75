// Who holds this environment: "Held by NAME since TIME", with Take over (asks for the reason,
// which goes to the audit trail; an expert's call) and Release (the holder's, or an expert's).
// A refused take or release shows the controller's structured error (HELD names the holder).
import { useState } from 'react';
import type { Environment } from '../../../../core/rpc/gen/control.js';
import type { BatonError } from '../../../../core/model/errors.js';
import { call } from '../../api/client.js';
import { asBatonError } from '../../api/errors.js';
import { useConsoleStore } from '../../store/context.js';
import { Dialog } from '../../ui/Dialog.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { formatDateTime } from '../../ui/format.js';
import { useSync } from '../shell/services.js';
import './holds.css';

export function HoldBar({ env }: { env: Environment }) {
  const store = useConsoleStore();
  const sync = useSync();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{ what: string; e: BatonError } | null>(null);
  const label = env.name || env.id;

  const act = async (what: 'Take over' | 'Release', fn: () => Promise<Environment>) => {
    setPending(true);
    setError(null);
    try {
      const e = await fn();
      store.getState().upsertEnv(e);
      void sync.env(env.id);
    } catch (e) {
      setError({ what, e: asBatonError(e) });
    } finally {
      setPending(false);
    }
  };
  const take = () => {
    const why = reason.trim();
    setAsking(false);
    setReason('');
    void act('Take over', () => call('TakeEnvironment', { id: env.id, reason: why }));
  };

  return (
    <section className="hold-bar" aria-label="Hold">
      <p className="holder">
        {env.holder ? (
          <>
            Held by <strong>{env.holder}</strong> since <time dateTime={new Date(env.heldSinceMs).toISOString()}>{formatDateTime(env.heldSinceMs)}</time>
          </>
        ) : (
          <>Free: the first user who drives it holds it</>
        )}
      </p>
      <button type="button" disabled={pending} onClick={() => setAsking(true)} title="Take the hold over (expert); the reason goes to the audit trail">
        Take over
      </button>
      {env.holder ? (
        <button type="button" disabled={pending} onClick={() => void act('Release', () => call('ReleaseEnvironment', { id: env.id }))}>
          Release
        </button>
      ) : null}
      {asking ? (
        <Dialog title={`Take over ${label}?`} onClose={() => setAsking(false)}>
          <form
            className="dialog-body"
            onSubmit={(e) => {
              e.preventDefault();
              if (reason.trim()) take();
            }}
          >
            <p>{env.holder ? `${env.holder} holds ${label}. ` : ''}Say why you take it over: the reason is recorded in the audit trail.</p>
            <label htmlFor="take-reason">Reason</label>
            <textarea id="take-reason" data-autofocus required rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
            <div className="dialog-actions">
              <button type="button" onClick={() => setAsking(false)}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={!reason.trim()}>
                Take over
              </button>
            </div>
          </form>
        </Dialog>
      ) : null}
      {error ? <ErrorDetailView detail={error.e.detail} title={`${error.what} refused`} /> : null}
    </section>
  );
}
