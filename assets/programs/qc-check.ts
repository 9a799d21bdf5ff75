// Demo quality check: pulls frames on `in` and checks each (magic, length, run number).
import { runTask } from '../../sdk/node/index.js';
import { checkFrame } from './lib/daq.js';

const name = process.env.BATON_TASK_NAME || 'qc-check';
let good = 0;
let bad = 0;
let run = 0;
let timer: NodeJS.Timeout | null = null;

runTask({
  configure(_a, task) {
    task.channel('in').onMessage((m) => {
      if (!run) return;
      const c = checkFrame(m);
      if (c.ok && c.run === run) good++;
      else {
        bad++;
        if (bad <= 5) console.log(`${name}: bad frame: ${c.why ?? `run ${c.run}, expected ${run}`}`);
      }
    });
    console.log(`${name}: configured`);
  },
  start(_a, task) {
    run = task.runNumber;
    good = bad = 0;
    console.log(`${name}: run ${run} started`);
    timer = setInterval(() => console.log(`${name}: run ${run}: ${good} frames ok, ${bad} bad`), 1000);
  },
  stop(_a, task) {
    if (timer) clearInterval(timer);
    console.log(`${name}: run ${run} stopped: ${good} frames ok, ${bad} bad`);
    if (bad) task.event('QC_BAD_FRAMES', `${bad} bad frames in run ${run}`, { run: String(run), bad: String(bad) });
    run = 0;
  },
  exit() {
    if (timer) clearInterval(timer);
  },
});
