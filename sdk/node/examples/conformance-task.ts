// The Node SDK's conformance task: the program the cross-SDK conformance suite
// (test/integration/conformance/) runs against a real agent, with the same behaviour as the C and
// Python ones. It prints every transition it is given (CONFIGURE's arguments sorted by key, START's
// run number), sends a `conformance` event on START, fails the transition named in
// CONFORMANCE_FAIL, and after its EXIT reply (the SDK has then half-closed its call) stays
// CONFORMANCE_LINGER_MS, prints that it leaves, and exits (0 after an ok EXIT, 1 if EXIT failed).
// Re-dial, refusal and the orphan grace are the SDK's own.
import { runTask, type Args, type Task } from '../index.js';

const failOn = process.env.CONFORMANCE_FAIL ?? '';
const lingerMs = Number(process.env.CONFORMANCE_LINGER_MS ?? 0) || 0;

/** one line, written at once (a write to a pipe or a file is synchronous in Node on Linux) */
function say(line: string): void {
  process.stdout.write(`conformance: ${line}\n`);
}

let exitReceived = false;

function handler(event: string) {
  return (args: Args, task: Task): void => {
    say(`got ${event}`);
    if (event === 'EXIT') exitReceived = true;
    if (event === 'CONFIGURE') {
      for (const key of Object.keys(args).sort()) say(`arg ${key}=${args[key]}`);
    }
    if (event === 'START') {
      const runNumber = args.run_number ?? String(task.runNumber);
      say(`run_number=${runNumber}`);
      task.event('conformance', `run ${runNumber}`);
    }
    if (failOn === event) throw new Error(`asked to fail ${event}`);
  };
}

const task = runTask(
  {
    configure: handler('CONFIGURE'),
    start: handler('START'),
    stop: handler('STOP'),
    reset: handler('RESET'),
    exit: handler('EXIT'),
  },
  { exitProcess: false },
);

const code = await task.left;
// left without an EXIT (refused three times, or orphaned): the SDK's own exit, nothing added
if (!exitReceived) process.exit(code);
if (lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, lingerMs));
say('leaving');
process.exit(code);
