// The floor for a transition of N tasks: N processes on this machine, each sent one small message
// and answering it, all at once, round after round, timed until the last answer. 'node' peers are
// Node processes that echo over a unix socket (fanout-peer.ts): what N Node tasks cost before any
// control system. 'cat' peers are /bin/cat over pipes: what the kernel alone costs to wake N
// processes. Peers are started detached (their own session), as an agent starts tasks.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuMeter, stopChildren } from '../proc.js';

export type FanoutPeer = 'node' | 'cat';

export interface FanoutOptions {
  /** node peers: print a line per message (default false) */
  logEach?: boolean;
  timeoutMs?: number;
  /** called with the peers' pids once all are up, before the first round */
  onPeers?: (pids: number[]) => void;
}

export interface FanoutFloor {
  peers: number;
  /** one sample per round: ms from the first write to the last answer */
  samplesMs: number[];
  /** the peers' own cpu per round (user + system), ms */
  peerCpuMsPerRound: number;
}

interface Endpoint {
  write(b: Buffer): void;
  onData(f: (chunk: Buffer) => void): void;
}

const PEER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fanout-peer.js');
/** one line, about the size of an encoded Transition */
const MESSAGE = Buffer.from('CONFIGURE 0123456789abcdef0123456789abcdef\n');

async function startNodePeers(count: number, o: FanoutOptions, children: ChildProcess[], cleanup: (() => void)[]): Promise<Endpoint[]> {
  const timeoutMs = o.timeoutMs ?? 120_000;
  const flags = o.logEach ? 'log' : '';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-fanout-'));
  const sock = path.join(dir, 'floor.sock');
  const conns: net.Socket[] = [];
  const server = net.createServer((c) => { c.on('error', () => {}); conns.push(c); });
  await new Promise<void>((r) => server.listen({ path: sock, backlog: 4096 }, r));
  cleanup.push(() => { for (const c of conns) c.destroy(); server.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  for (let i = 0; i < count; i++) children.push(spawn(process.execPath, [PEER_SCRIPT, sock, flags], { stdio: 'ignore', detached: true }));
  const deadline = Date.now() + timeoutMs;
  while (conns.length < count) {
    if (Date.now() > deadline) throw new Error(`fan-out floor: ${conns.length}/${count} node peers connected after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return conns.map((c) => ({ write: (b) => c.write(b), onData: (f) => c.on('data', f) }));
}

function startCatPeers(count: number, children: ChildProcess[]): Endpoint[] {
  return Array.from({ length: count }, () => {
    const p = spawn('cat', [], { stdio: ['pipe', 'pipe', 'ignore'], detached: true });
    children.push(p);
    p.stdin!.on('error', () => {});
    return { write: (b) => p.stdin!.write(b), onData: (f) => p.stdout!.on('data', f) };
  });
}

/** `rounds` rounds of one message to each of `count` peers; the peers are stopped afterwards. */
export async function fanoutFloor(count: number, rounds: number, peer: FanoutPeer, o: FanoutOptions = {}): Promise<FanoutFloor> {
  const children: ChildProcess[] = [];
  const cleanup: (() => void)[] = [];
  try {
    const ends = peer === 'cat' ? startCatPeers(count, children) : await startNodePeers(count, o, children, cleanup);
    let waiting = 0;
    let roundDone: () => void = () => {};
    // a peer may answer in more than one chunk: count bytes, not chunks
    const per = MESSAGE.length;
    const got = new Array<number>(count).fill(0);
    ends.forEach((e, i) => e.onData((chunk) => {
      got[i]! += chunk.length;
      while (got[i]! >= per) {
        got[i]! -= per;
        if (--waiting === 0) roundDone();
      }
    }));
    // a peer that dies would leave a round waiting forever: fail the floor instead, naming it
    let peerDied: (e: Error) => void = () => {};
    const died = new Promise<never>((_, reject) => (peerDied = reject));
    died.catch(() => {});
    children.forEach((c, i) => c.once('exit', (code, signal) =>
      peerDied(new Error(`fan-out floor: ${peer} peer ${i} (pid ${c.pid}) exited (${signal ?? `code ${code}`}) during the rounds`))));
    const pids = children.map((c) => c.pid!).filter((p) => p > 0);
    o.onPeers?.(pids);
    const cpu = new CpuMeter(pids);
    const samplesMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const done = new Promise<void>((res) => (roundDone = res));
      waiting = count;
      const t0 = performance.now();
      for (const e of ends) e.write(MESSAGE);
      await Promise.race([done, died]);
      samplesMs.push(performance.now() - t0);
    }
    return { peers: count, samplesMs, peerCpuMsPerRound: (cpu.read().cpuSeconds * 1000) / rounds };
  } finally {
    for (const f of cleanup) f();
    await stopChildren(children);
  }
}
