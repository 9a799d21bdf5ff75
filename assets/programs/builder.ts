// Demo event builder: pulls frames on `in`, pushes them on `out`.
import { runTask } from '../../sdk/node/index.js';
import { PerSecond } from './lib/daq.js';

const name = process.env.BATON_TASK_NAME || 'builder';
let running = false;
const stats = new PerSecond((f, b, total) => `${name}: built ${f} events/s, ${(b / 1024).toFixed(1)} KiB/s, ${total} this run`);

runTask({
  configure(args, task) {
    const out = task.hasChannel('out') ? task.channel('out') : null;
    task.channel('in').onMessage((m) => {
      if (!running) return;
      stats.add(m.length);
      out?.send(m);
    });
    console.log(`${name}: configured: in from ${args['chan.in.connect'] ?? '(none)'}, out on ${args['chan.out.bind'] ?? '(none)'}`);
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
    console.log(`${name}: run ${task.runNumber} stopped after ${stats.total} events`);
  },
  exit() {
    stats.stop();
  },
});
