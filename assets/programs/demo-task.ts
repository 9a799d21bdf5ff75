// A generic controlled task for demos and tests. CONFIGURE properties:
//   fail_on=<EVENT>   the transition fails (the handler throws)
//   crash_on=<EVENT>  the process exits with code 3 in the middle of that transition
//   hang_on=<EVENT>   the transition never answers (the agent reports a TIMEOUT)
//   delay_ms=<n>      every transition takes this long
//   event_on=<EVENT>  sends a task event DEMO_EVENT during that transition
// It prints a line at every transition and a heartbeat line every second while RUNNING.
import { runTask, type Args, type Task } from '../../sdk/node/index.js';

const name = process.env.BATON_TASK_NAME || 'demo-task';
let props: Args = {};
let beat: NodeJS.Timeout | null = null;

async function step(event: string, args: Args, task: Task): Promise<void> {
  if (event === 'CONFIGURE') props = { ...args };
  console.log(`${name}: ${event} begin`);
  const delay = Number(props.delay_ms ?? 0);
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  if (props.crash_on === event) {
    console.log(`${name}: crashing in ${event} (crash_on)`);
    process.exit(3);
  }
  if (props.hang_on === event) {
    console.log(`${name}: hanging in ${event} (hang_on)`);
    await new Promise(() => {});
  }
  if (props.event_on === event) task.event('DEMO_EVENT', `${name} reached ${event}`);
  if (props.fail_on === event) {
    console.log(`${name}: failing ${event} (fail_on)`);
    throw new Error(`${name} was told to fail at ${event}`);
  }
  if (event === 'START') {
    const run = args.run_number ?? '?';
    let secs = 0;
    beat = setInterval(() => console.log(`${name}: running, run ${run}, ${++secs} s`), 1000);
  }
  if (event === 'STOP' || event === 'EXIT' || event === 'RESET') {
    if (beat) clearInterval(beat);
    beat = null;
  }
  console.log(`${name}: ${event} done`);
}

console.log(`${name}: started, pid ${process.pid}`);
runTask({
  configure: (a, t) => step('CONFIGURE', a, t),
  start: (a, t) => step('START', a, t),
  stop: (a, t) => step('STOP', a, t),
  reset: (a, t) => step('RESET', a, t),
  exit: (a, t) => step('EXIT', a, t),
});
