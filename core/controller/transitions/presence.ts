// CONFIGURE and START_ACTIVITY need the environment's tasks to be there. A transition skips
// broken tasks (they wait for RECOVER), so without this check an environment whose processes
// were gone (an EXIT interrupted by a controller crash left it CONFIGURED with every task DONE)
// "started" a run with no process behind it. A non-critical task that crashed is still skipped
// (the environment runs degraded); what is refused is a start without the tasks it cannot lose.
import { BatonError } from '../../model/errors.js';
import type { EnvTransition } from '../../model/states.js';
import type { EnvRuntime } from '../model/env.js';
import type { TaskRuntime } from '../model/task.js';

const NEEDS_TASKS: readonly EnvTransition[] = ['CONFIGURE', 'START_ACTIVITY'];
/** names listed in the error; the count says how many more */
const NAMED = 10;

/** a basic task (a plain program) that exited 0: it did its work, nothing is missing */
export function finishedBasic(t: TaskRuntime): boolean {
  return !t.controlled && t.state === 'DONE' && !t.lost;
}

/** a task with no process behind it: exited, lost with its agent, or ended (DONE) */
export function taskGone(t: TaskRuntime): boolean {
  return (!t.launched || t.lost || t.state === 'DONE') && !finishedBasic(t);
}

export function assertTasksPresent(env: EnvRuntime, transition: EnvTransition): void {
  if (!NEEDS_TASKS.includes(transition)) return;
  // cheap when all is well: the counts say no task is lost, DONE or in ERROR
  const c = env.counts;
  if (c.lost === 0 && c.get('DONE') === 0 && c.get('ERROR') === 0) return;
  const gone = env.active.filter(taskGone);
  if (!gone.length) return;
  const refuse = gone.length === env.active.length || gone.some((t) => t.state === 'DONE' || env.isFatal(t));
  if (!refuse) return;
  const names = gone.slice(0, NAMED).map((t) => `${t.name} (${t.lost ? 'lost' : t.state === 'DONE' ? 'DONE' : 'process gone'})`);
  const more = gone.length > NAMED ? ` and ${gone.length - NAMED} more` : '';
  throw new BatonError(
    'TRANSITION_NOT_ALLOWED',
    `${transition} refused: ${gone.length} task(s) of environment ${env.id} are not there: ${names.join(', ')}${more}; EXIT or RECOVER it`,
    {
      envId: env.id,
      transition,
      data: {
        missing: String(gone.length),
        tasks: gone
          .slice(0, NAMED)
          .map((t) => t.name)
          .join(','),
      },
    },
  );
}
