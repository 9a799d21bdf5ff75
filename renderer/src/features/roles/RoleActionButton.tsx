// Exclude / Include on one role: disabled (with the reason beside it) where it cannot succeed,
// confirmed before it acts, since it stops or starts tasks in a live environment.
import { useId, useState } from 'react';
import { ConfirmDialog } from '../../ui/Dialog.js';
import type { RoleAction, RoleActionState } from './roleRules.js';

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
  onConfirm(action: RoleAction): void;
}) {
  // the action as it was when pressed: a refresh while the dialog is open (someone else excluded
  // the role meanwhile) must not turn the Exclude the operator confirms into an Include
  const [asking, setAsking] = useState<RoleAction | null>(null);
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
        onClick={() => setAsking(state.action)}
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
          title={`${LABEL[asking]} ${role}?`}
          danger={asking === 'exclude'}
          confirmLabel={LABEL[asking]}
          body={<p>{consequence(asking, role, envState, runNumber)}</p>}
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            setAsking(null);
            onConfirm(asking);
          }}
        />
      ) : null}
    </>
  );
}
