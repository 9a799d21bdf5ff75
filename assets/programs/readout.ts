// Demo readout: at START pushes frames of `payload_bytes` at `rate_hz` on channel `out`.
import { runTask } from '../../sdk/node/index.js';
import { makeFrame, num, PerSecond } from './lib/daq.js';

const name = process.env.BATON_TASK_NAME || 'readout';
let payload = Buffer.alloc(0);
let rate = 100;
let timer: NodeJS.Timeout | null = null;
const stats = new PerSecond((f, b, total) => `${name}: ${f} frames/s, ${(b / 1024).toFixed(1)} KiB/s, ${total} frames this run`);

runTask({
  configure(args, task) {
    payload = Buffer.alloc(num(args, 'payload_bytes', 1024), name);
    rate = num(args, 'rate_hz', 100);
    task.channel('out');
    console.log(`${name}: configured: ${payload.length} byte payloads at ${rate} Hz to ${args['chan.out.bind']}`);
  },
  start(_args, task) {
    const out = task.channel('out');
    const run = task.runNumber;
    stats.total = 0;
    stats.start();
    console.log(`${name}: run ${run} started`);
    const began = Date.now();
    let seq = 0;
    // a 10 ms tick sends what the rate says is due: steady rate without a timer per frame
    timer = setInterval(() => {
      const due = Math.floor(((Date.now() - began) / 1000) * rate);
      for (; seq < due; seq++) {
        if (out.send(makeFrame(run, seq, payload))) stats.add(payload.length);
      }
    }, 10);
  },
  stop(_args, task) {
    if (timer) clearInterval(timer);
    timer = null;
    stats.stop();
    console.log(`${name}: run ${task.runNumber} stopped after ${stats.total} frames (${task.channel('out').dropped} dropped without a reader)`);
  },
  reset() {
    console.log(`${name}: reset`);
  },
  exit() {
    if (timer) clearInterval(timer);
    console.log(`${name}: exit`);
  },
});
