// Physical floors, measured in the same run as the benchmarks they bound.
import { spawn } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function spawnWait(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'ignore' });
    p.once('error', reject);
    p.once('exit', () => resolve());
  });
}

/** Time to spawn `count` processes of `cmd` from Node and see them all exit, `parallel` at a time. */
export async function spawnFloor(count: number, cmd: string, args: string[], parallel = 64): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      next++;
      await spawnWait(cmd, args);
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return performance.now() - t0;
}

/**
 * The floor for controlled tasks: `count` Node processes that each dial a unix socket, say hello
 * and wait to be told to exit. A controlled task cannot do less than this.
 */
export async function nodeHelloFloor(count: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-floor-'));
  const sock = path.join(dir, 's.sock');
  const clients: net.Socket[] = [];
  let hellos = 0;
  let allHello: () => void = () => {};
  const done = new Promise<void>((r) => (allHello = r));
  const server = net.createServer((c) => {
    clients.push(c);
    c.once('data', () => {
      if (++hellos === count) allHello();
    });
  });
  await new Promise<void>((r) => server.listen(sock, r));
  const script = `const s=require('net').connect(${JSON.stringify(sock)},()=>s.write('hello'));s.on('close',()=>process.exit(0));`;
  const t0 = performance.now();
  const exits: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const p = spawn(process.execPath, ['-e', script], { stdio: 'ignore', detached: true });
    exits.push(new Promise((r) => p.once('exit', () => r())));
  }
  await done;
  const ms = performance.now() - t0;
  for (const c of clients) c.destroy();
  await Promise.all(exits);
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return ms;
}
