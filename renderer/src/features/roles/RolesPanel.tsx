// The Roles section of an environment: the role tree with Exclude / Include, the progress of the
// one under way, and how it ended (the controller's refusal shown field by field).
import type { Environment } from '../../../../core/rpc/gen/control.js';
import { useConsole } from '../../store/context.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { formatDuration } from '../../ui/format.js';
import { useNow } from '../shell/useNow.js';
import { RoleTree } from './RoleTree.js';
import { useRoleAction } from './useRoleAction.js';

const VERB = { exclude: ['Excluding', 'excluded', 'Exclude'], include: ['Including', 'included', 'Include'] } as const;

export function RolesPanel({ env }: { env: Environment }) {
  const root = useConsole((s) => s.details.get(env.id)?.root);
  const transitionRunning = useConsole((s) => s.progress.has(env.id));
  const { run, pending, outcome, clearOutcome } = useRoleAction(env.id);
  const now = useNow(pending ? 1000 : 60_000);
  const busy = Boolean(pending || transitionRunning || env.transition);
  return (
    <section aria-labelledby="ov-roles">
      <h2 id="ov-roles">Roles</h2>
      {pending ? (
        <p role="status" className="role-progress">
          {VERB[pending.action][0]} {pending.role}… {formatDuration(now - pending.startedMs)}
        </p>
      ) : null}
      {outcome?.ok ? (
        <p role="status" className="outcome-ok">
          {outcome.role} {VERB[outcome.action][1]} in {formatDuration(outcome.durationMs)}: the environment is {outcome.state}
          {outcome.runNumber !== undefined ? `, run ${outcome.runNumber}` : ''}.
        </p>
      ) : null}
      {outcome && !outcome.ok && outcome.error ? (
        <div className="outcome">
          <ErrorDetailView detail={outcome.error} title={`${VERB[outcome.action][2]} ${outcome.role} failed`} />
          <button type="button" onClick={clearOutcome}>
            Dismiss
          </button>
        </div>
      ) : null}
      <RoleTree root={root} envState={env.state} runNumber={env.runNumber} busy={busy} onAction={(action, role) => void run(action, role)} />
    </section>
  );
}
