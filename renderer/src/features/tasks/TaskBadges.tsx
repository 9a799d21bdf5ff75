// Small marks beside a task's name: excluded at run time, restarted by its restart policy.
import type { Task } from '../../../../core/rpc/gen/control.js';

export function TaskBadges({ task }: { task: Task }) {
  return (
    <>
      {!task.included ? (
        <span className="badge warn" title="its role was excluded: transitions skip it">
          excluded
        </span>
      ) : null}
      {task.restarts ? (
        <span className="badge" title={`relaunched ${task.restarts} time(s) by its restart policy`}>
          restarts {task.restarts}
        </span>
      ) : null}
    </>
  );
}
