// Exclude / Include on one role: disabled (with the reason beside it) where it cannot succeed,
// confirmed before it acts, since it stops or starts tasks in a live environment.
import { useId, useState } from 'react';
import { ConfirmDialog } from '../../ui/Dialog.js';
import type { RoleActionState } from './roleRules.js';

const LABEL = { exclude: 'Exclude', include: 'Include' } as const;

function consequence(action: 'exclude' | 'include', role: string, envState: string, runNumber?: number): string {
  const run = runNumber !== undefined ? `run ${runNumber}` : 'the environment';
  if (action === 'exclude') {
    return `The tasks of ${role} are stopped and end. The rest keeps ${envState === 'RUNNING' ? `running and ${run} stays open` : 'its state'}; transitions skip ${role} until it is included again.`;
  }
  return `The tasks of ${role} are launched and brought to ${envState}${envState === 'RUNNING' ? ` in ${run}` : ''}. If one does not come up, ${role} stays excluded.`;
}

export function RoleActionButton({
  role,
  state,
  envState,
  runNumber,
  onConfirm,
}: {
  role: string;
  state: RoleActionState;
  envState: string;
  runNumber?: number;
  onConfirm(): void;
}) {
  const [asking, setAsking] = useState(false);
  const reasonId = useId();
  const label = LABEL[state.action];
  return (
    <>
      <button
        type="button"
        className={state.action === 'exclude' ? 'danger-outline' : undefined}
        aria-label={`${label} ${role}`}
        aria-describedby={state.reason ? reasonId : undefined}
        disabled={!state.enabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
      {state.reason ? (
        <span id={reasonId} className="muted small role-reason">
          {label.toLowerCase()} not possible: {state.reason}
        </span>
      ) : null}
      {asking ? (
        <ConfirmDialog
          title={`${label} ${role}?`}
          danger={state.action === 'exclude'}
          confirmLabel={label}
          body={<p>{consequence(state.action, role, envState, runNumber)}</p>}
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            onConfirm();
          }}
        />
      ) : null}
    </>
  );
}
