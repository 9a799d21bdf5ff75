// Physical floors, measured in the same run as the benchmarks they bound.
import { spawn } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { ECHO_SERVICE } from './floors/echo-service.js';
import { reapChildren } from './proc.js';

function spawnWait(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: 'ignore' });
    p.once('error', reject);
    p.once('exit', () => resolve());
  });
}

/** Runs a floor of floors/isolated.ts in a fresh Node process; its milliseconds. */
async function inFreshProcess(args: string[]): Promise<number> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floors', 'isolated.js');
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    p.stdout!.on('data', (d) => (text += d));
    p.once('error', reject);
    p.once('exit', (code, signal) => (code === 0 ? resolve(text) : reject(new Error(`the ${args[0]} floor process exited ${signal ?? code}`))));
  });
  const ms = Number(out.trim());
  if (!Number.isFinite(ms)) throw new Error(`the ${args[0]} floor process printed ${JSON.stringify(out)}`);
  return ms;
}

/**
 * Time to spawn `count` processes of `cmd` from Node and see them all exit, `parallel` at a time,
 * in a fresh Node process (from the benchmark runner itself the figure grew with its memory).
 */
export function spawnFloor(count: number, cmd: string, args: string[], parallel = 64): Promise<number> {
  return inFreshProcess(['spawn', String(count), String(parallel), cmd, ...args]);
}

/** spawnFloor, in this process. */
export async function spawnFloorHere(count: number, cmd: string, args: string[], parallel = 64): Promise<number> {
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
 * The floor for controlled tasks, run in a fresh Node process: `count` Node processes that each
 * dial a unix socket, say hello and wait to be told to exit. A controlled task cannot do less than
 * this. At most `parallel` are between spawn and hello at a time (default: all at once); each
 * hello lets the next one start. All stay alive until the last hello, as tasks do. On 2 cores, 16 at a time is as fast
 * as all at once or faster (300 processes: 12.4 s vs 14.5 s), and keeps the spawner responsive.
 */
export function nodeHelloFloor(count: number, parallel = Infinity, timeoutMs = 300_000, importFirst?: string): Promise<number> {
  return inFreshProcess(['hello', String(count), String(parallel), String(timeoutMs), ...(importFirst ? [importFirst] : [])]);
}

/** nodeHelloFloor, in this process. */
export async function nodeHelloFloorHere(count: number, parallel: number, timeoutMs: number, importFirst?: string): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-floor-'));
  const sock = path.join(dir, 's.sock');
  const clients: net.Socket[] = [];
  const children: ReturnType<typeof spawn>[] = [];
  let hellos = 0;
  let started = 0;
  let inFlight = 0;
  let allHello: () => void = () => {};
  const done = new Promise<void>((r) => (allHello = r));
  // a refused or failed dial is retried (a full backlog answers EAGAIN on a unix socket), for 10 s
  // at most: a floor whose runner was killed must not leave its children dialling forever
  const dialer = `let tries=0;const dial=()=>{const s=net.connect(${JSON.stringify(sock)},()=>s.write('hello'));s.on('error',()=>{if(++tries>2000)process.exit(1);setTimeout(dial,5)});s.on('close',(e)=>{if(!e)process.exit(0)});};dial();`;
  // importFirst: an ES module loaded before dialling (e.g. the task SDK), to price its start-up
  const argv = importFirst
    ? ['--input-type=module', '-e', `import net from 'node:net';await import(${JSON.stringify(importFirst)});${dialer}`]
    : ['-e', `const net=require('net');${dialer}`];
  const startMore = async () => {
    while (inFlight < parallel && started < count) {
      started++;
      inFlight++;
      const p = spawn(process.execPath, argv, { stdio: 'ignore', detached: true });
      children.push(p);
      // let the listener accept between spawns, as an agent's would
      if (started % 16 === 0) await new Promise((r) => setImmediate(r));
    }
  };
  const server = net.createServer((c) => {
    clients.push(c);
    c.on('error', () => {});
    c.once('data', () => {
      inFlight--;
      if (++hellos === count) allHello();
      else void startMore();
    });
  });
  await new Promise<void>((r) => server.listen({ path: sock, backlog: 4096 }, r));
  let timer: NodeJS.Timeout | null = null;
  try {
    const t0 = performance.now();
    await startMore();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`node hello floor: ${hellos}/${count} hellos after ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([done, timeout]);
    return performance.now() - t0;
  } finally {
    if (timer) clearTimeout(timer);
    for (const c of clients) c.destroy();
    await reapChildren(children);
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// --- transport floors: a bare grpc-js service in a separate process, on loopback ---------------

interface EchoPeer {
  client: grpc.Client & Record<string, Function>;
  stop(): Promise<void>;
}

async function startEcho(): Promise<EchoPeer> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floors', 'echo-server.js');
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
  });
  const Ctor = grpc.makeGenericClientConstructor(ECHO_SERVICE, 'Echo');
  const client = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as EchoPeer['client'];
  return {
    client,
    async stop() {
      client.close();
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(t);
    },
  };
}

/**
 * The floor for a farm transition: `count` small items (`bytes` each) down one grpc-js
 * bidirectional stream to another process on loopback and echoed back: the volume of one
 * transition of `count` tasks (one item per task each way). With batch 1 every item is its own
 * message (grpc-js's per-message cost); with batch k, k items travel in one message (the bytes
 * floor of a batched protocol). The sender respects backpressure, as a real one must.
 * Returns the time from the first write to the last echo.
 */
export async function grpcStreamFloor(count: number, bytes = 80, batch = 1): Promise<number> {
  const peer = await startEcho();
  try {
    const run = (n: number) =>
      new Promise<number>((resolve, reject) => {
        const call = peer.client.stream() as grpc.ClientDuplexStream<Buffer, Buffer>;
        const msg = Buffer.alloc(bytes * batch, 7);
        let got = 0;
        let sent = 0;
        const t0 = performance.now();
        call.on('data', () => {
          if (++got === n) {
            const ms = performance.now() - t0;
            call.end();
            resolve(ms);
          }
        });
        call.on('error', (e) => {
          if (got < n) reject(e);
        });
        const pump = () => {
          while (sent < n) {
            sent++;
            if (!call.write(msg)) {
              call.once('drain', pump);
              return;
            }
          }
        };
        pump();
      });
    const messages = Math.ceil(count / batch);
    await run(Math.min(messages, 5000)); // warm up (JIT, connection)
    return await run(messages);
  } finally {
    await peer.stop();
  }
}

/** The floor of a unary call: `count` sequential grpc-js round trips to another process on loopback (ms each). */
export async function grpcUnaryFloor(count: number, bytes = 64): Promise<number[]> {
  const peer = await startEcho();
  try {
    const msg = Buffer.alloc(bytes, 7);
    const once = () =>
      new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        peer.client.unary(msg, (err: Error | null) => (err ? reject(err) : resolve(performance.now() - t0)));
      });
    for (let i = 0; i < Math.min(200, count); i++) await once();
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(await once());
    return out;
  } finally {
    await peer.stop();
  }
}
