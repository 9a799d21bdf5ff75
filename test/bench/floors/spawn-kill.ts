// The floor for plain processes up and down, run in a fresh Node process: spawn `count` processes
// of `cmd` (each in its own process group, as an agent starts a task) and see every one started;
// then SIGTERM every group and wait until every exit has been reaped. Prints {"upMs","downMs"}.
//   node spawn-kill.js <count> <cmd> [args...]
import { spawn, type ChildProcess } from 'node:child_process';

const [count, cmd, ...args] = process.argv.slice(2);
if (!count || !cmd) {
  process.stderr.write('usage: spawn-kill <count> <cmd> [args...]\n');
  process.exit(2);
}
const children: ChildProcess[] = [];
const t0 = performance.now();
const started: Promise<unknown>[] = [];
for (let i = 0; i < Number(count); i++) {
  const p = spawn(cmd, args, { stdio: 'ignore', detached: true });
  started.push(
    new Promise((resolve, reject) => {
      p.once('spawn', resolve);
      p.once('error', reject);
    }),
  );
  children.push(p);
}
await Promise.all(started);
const upMs = performance.now() - t0;
const exits = children.map((p) => new Promise((resolve) => p.once('exit', resolve)));
const t1 = performance.now();
for (const p of children) process.kill(-p.pid!, 'SIGTERM');
await Promise.all(exits);
const downMs = performance.now() - t1;
process.stdout.write(`${JSON.stringify({ upMs, downMs })}\n`);
