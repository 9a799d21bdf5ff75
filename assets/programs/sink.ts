// Demo sink: pulls frames on `in` and counts them.
import { runTask } from '../../sdk/node/index.js';
import { PerSecond } from './lib/daq.js';

const name = process.env.BATON_TASK_NAME || 'sink';
let running = false;
const stats = new PerSecond((f, b, total) => `${name}: ${f} frames/s, ${(b / 1024).toFixed(1)} KiB/s, ${total} this run`);

runTask({
  configure(_a, task) {
    task.channel('in').onMessage((m) => {
      if (running) stats.add(m.length);
    });
    console.log(`${name}: configured`);
  },
  start(_a, task) {
    running = true;
    stats.total = 0;
    stats.start();
    console.log(`${name}: run ${task.runNumber} started`);
  },
  stop(_a, task) {
    running = false;
    stats.stop();
    console.log(`${name}: run ${task.runNumber} stopped: ${stats.total} frames`);
  },
  exit() {
    stats.stop();
  },
});
