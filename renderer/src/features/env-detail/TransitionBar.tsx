// The transition buttons: only the allowed ones enabled, a confirmation for STOP_ACTIVITY and EXIT.
import { useState } from 'react';
import { ConfirmDialog } from '../../ui/Dialog.js';
import { transitionButtons, type TransitionButton } from './transitions.js';

export function TransitionBar({
  state,
  busy,
  envLabel,
  runNumber,
  onRun,
}: {
  state: string;
  busy: boolean;
  envLabel: string;
  runNumber?: number;
  onRun(t: string): void;
}) {
  const [confirming, setConfirming] = useState<TransitionButton | null>(null);
  const buttons = transitionButtons(state, busy);
  const press = (b: TransitionButton) => (b.confirm ? setConfirming(b) : onRun(b.transition));
  return (
    <div role="toolbar" aria-label="Transitions" className="transition-bar">
      {buttons.map((b) => (
        <button
          key={b.transition}
          type="button"
          className={`transition ${b.primary ? 'primary' : ''} ${b.transition === 'EXIT' ? 'danger-outline' : ''}`}
          disabled={!b.enabled}
          title={b.hint}
          onClick={() => press(b)}
        >
          {b.transition}
        </button>
      ))}
      {confirming ? (
        <ConfirmDialog
          title={`${confirming.transition} ${envLabel}?`}
          body={
            confirming.transition === 'STOP_ACTIVITY' ? (
              <p>
                This stops run {runNumber ?? ''} of {envLabel}. Data taking ends.
              </p>
            ) : (
              <p>This stops every task of {envLabel} and frees its resources.</p>
            )
          }
          confirmLabel={confirming.transition}
          danger
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const t = confirming.transition;
            setConfirming(null);
            onRun(t);
          }}
        />
      ) : null}
    </div>
  );
}
