// The floor for a transition of N tasks: N processes on this machine, each sent one small message
// and answering it, all at once, round after round, timed until the last answer.
// 'c' peers are the C SDK's demo task (sdk/c/demo_task.c), each dialling one grpc-js server that
// speaks TaskControl as an agent does (the generated codecs, a unix socket): it welcomes each
// hello, then per round sends every peer one Transition (CONFIGURE and RESET in turn) and waits
// for every reply. That is the least a control system can do to move N tasks, with the very
// tasks the latency benchmark runs under Baton: Baton's controller, agents and their messages are
// what the benchmark adds to it.
// 'cat' peers are /bin/cat over pipes: what the kernel alone costs to wake N processes.
// Peers are started detached (their own session) with their output in files, as an agent starts tasks.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { TaskControlService, type AgentToTask, type TaskMsg } from '../../../core/rpc/gen/task.js';
import { CpuMeter, stopChildren } from '../proc.js';

export type FanoutPeer = 'c' | 'cat';

export interface FanoutOptions {
  /** 'c' peers: the C task program (its dist/sdk/c/demo_task) */
  program?: string;
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

/** one peer as the rounds see it: send it round r's message; `onAnswer` once per whole answer */
interface Endpoint {
  send(round: number): void;
  onAnswer(f: () => void): void;
}

/** one line, about the size of an encoded Transition */
const MESSAGE = Buffer.from('CONFIGURE 0123456789abcdef0123456789abcdef\n');

type Call = grpc.ServerDuplexStream<TaskMsg, AgentToTask>;

async function startCPeers(count: number, o: FanoutOptions, children: ChildProcess[], cleanup: (() => void)[]): Promise<Endpoint[]> {
  const program = o.program!;
  if (!fs.existsSync(program)) throw new Error(`fan-out floor: ${program} was not built (scripts/build-c.sh builds it on Linux with a C compiler)`);
  const timeoutMs = o.timeoutMs ?? 120_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-fanout-'));
  const calls: (Call | undefined)[] = new Array(count);
  const answered: (() => void)[] = new Array(count).fill(() => {});
  let failure: Error | null = null;
  const server = new grpc.Server({ 'grpc.keepalive_permit_without_calls': 1 });
  server.addService(TaskControlService, {
    control(call: Call) {
      let peer = -1;
      call.on('data', (m: TaskMsg) => {
        if (m.msg?.$case === 'hello') {
          peer = Number(m.msg.hello.taskId);
          calls[peer] = call;
          call.write({ msg: { $case: 'welcome', welcome: {} } });
        } else if (m.msg?.$case === 'reply' && peer >= 0) {
          if (!m.msg.reply.ok) failure ??= new Error(`fan-out floor: peer ${peer} answered ${m.msg.reply.error}`);
          answered[peer]!();
        }
      });
      call.on('error', () => {});
    },
  });
  cleanup.push(() => {
    server.forceShutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const sock = path.join(dir, 'floor.sock');
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${sock}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  for (let i = 0; i < count; i++) {
    const log = fs.openSync(path.join(dir, `peer-${i}.log`), 'a');
    children.push(
      spawn(program, [], {
        env: { ...process.env, BATON_CONTROL: `unix://${sock}`, BATON_TASK_ID: String(i), BATON_TASK_TOKEN: 'floor', BATON_TASK_NAME: `peer-${i}` },
        stdio: ['ignore', log, log],
        detached: true,
      }),
    );
    fs.closeSync(log);
  }
  const deadline = Date.now() + timeoutMs;
  while (calls.filter(Boolean).length < count) {
    if (Date.now() > deadline) throw new Error(`fan-out floor: ${calls.filter(Boolean).length}/${count} C peers said hello after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return calls.map((call, i) => ({
    send: (round) => {
      if (failure) throw failure;
      call!.write({ msg: { $case: 'transition', transition: { seq: round + 1, event: round % 2 ? 'RESET' : 'CONFIGURE', args: {}, deadlineMs: 30_000 } } });
    },
    onAnswer: (f) => (answered[i] = f),
  }));
}

function startCatPeers(count: number, children: ChildProcess[]): Endpoint[] {
  return Array.from({ length: count }, () => {
    const p = spawn('cat', [], { stdio: ['pipe', 'pipe', 'ignore'], detached: true });
    children.push(p);
    p.stdin!.on('error', () => {});
    let got = 0;
    return {
      send: () => p.stdin!.write(MESSAGE),
      // cat may answer in more than one chunk: count bytes, not chunks
      onAnswer: (f) =>
        p.stdout!.on('data', (chunk: Buffer) => {
          for (got += chunk.length; got >= MESSAGE.length; got -= MESSAGE.length) f();
        }),
    };
  });
}

/** `rounds` rounds of one message to each of `count` peers; the peers are stopped afterwards. */
export async function fanoutFloor(count: number, rounds: number, peer: FanoutPeer, o: FanoutOptions = {}): Promise<FanoutFloor> {
  const children: ChildProcess[] = [];
  const cleanup: (() => void)[] = [];
  try {
    const ends = peer === 'cat' ? startCatPeers(count, children) : await startCPeers(count, o, children, cleanup);
    let waiting = 0;
    let roundDone: () => void = () => {};
    for (const e of ends)
      e.onAnswer(() => {
        if (--waiting === 0) roundDone();
      });
    // a peer that dies would leave a round waiting forever: fail the floor instead, naming it
    let peerDied: (e: Error) => void = () => {};
    const died = new Promise<never>((_, reject) => (peerDied = reject));
    died.catch(() => {});
    children.forEach((c, i) =>
      c.once('exit', (code, signal) =>
        peerDied(new Error(`fan-out floor: ${peer} peer ${i} (pid ${c.pid}) exited (${signal ?? `code ${code}`}) during the rounds`)),
      ),
    );
    const pids = children.map((c) => c.pid!).filter((p) => p > 0);
    o.onPeers?.(pids);
    const cpu = new CpuMeter(pids);
    const samplesMs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const done = new Promise<void>((res) => (roundDone = res));
      waiting = count;
      const t0 = performance.now();
      for (const e of ends) e.send(r);
      await Promise.race([done, died]);
      samplesMs.push(performance.now() - t0);
    }
    return { peers: count, samplesMs, peerCpuMsPerRound: (cpu.read().cpuSeconds * 1000) / rounds };
  } finally {
    await stopChildren(children);
    for (const f of cleanup) f();
  }
}
