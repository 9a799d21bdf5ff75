// The farm benchmark's floor, measured in the same run: what any controller of N tasks on A
// agents must do at least, with Baton's own message layout.
// - messages: per transition, every agent gets its tasks in messages of at most MAX_BATCH items
//   (op.ts) and answers them in messages of at most FLUSH_ITEMS updates (the agent's outbox),
//   each of the encoded size Baton's messages have for a sim task (ts-proto, measured here). The
//   bytes go through one grpc-js bidirectional stream per agent, one connection per agent, to a
//   bare server process that answers as an agent would (floors/batch-server.ts), with no
//   encoding, decoding or logic on either side.
// - bookkeeping: the per-task records a controller must hold, built alone: one object per task
//   with its id, name, node and state, a map from id to task, each task in its node's set.
// Up is the bookkeeping plus three transitions of messages (launch, then two task events); down
// is three transitions of task events. Baton's ratio to it is what its controller and agents add.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { AgentMsg, ControllerMsg, type LaunchSpec, type TaskUpdate } from '../../core/rpc/gen/agent.js';
import { MAX_BATCH } from '../../core/controller/transitions/op.js';
import { FLUSH_ITEMS } from '../../core/agent/outbox.js';
import { ECHO_SERVICE } from './floors/echo-service.js';

export interface FarmFloor {
  tasks: number;
  agents: number;
  /** encoded bytes per task, as Baton sends them */
  bytesPerTask: { launch: number; launched: number; transition: number; state: number };
  /** one launch round: every agent's launch messages down, its update messages back */
  launchMs: number;
  /** one task-event round (e.g. CONFIGURE) */
  transitionMs: number;
  /** the per-task records, built alone */
  bookkeepingMs: number;
  /** bookkeeping + launch + 2 task-event rounds */
  upMs: number;
  /** 3 task-event rounds */
  downMs: number;
}

const ENV = 'env-8x4k2q7w';
const taskIdOf = (i: number) => `${ENV}/sim-${i}`;

function launchSpecOf(i: number): LaunchSpec {
  return {
    taskId: taskIdOf(i),
    envId: ENV,
    name: `sim-${i}`,
    driver: 'sim',
    control: 'controlled',
    command: '',
    args: [],
    env: {},
    cwd: '',
    binds: [],
    sim: { delayMs: 0, failOn: '', failRate: 0, exitAfterMs: 0 },
    controlExitMs: 3000,
    termMs: 5000,
    cleanupFiles: [],
  };
}

function update(i: number, kind: string, state: string): TaskUpdate {
  return {
    taskId: taskIdOf(i),
    kind,
    state,
    batchId: 123456,
    ok: true,
    pid: 0,
    ports: {},
    logPath: '',
    exit: undefined,
    error: undefined,
    eventKind: '',
    message: '',
    host: kind === 'launched' ? 'sim-host-1' : '',
    timeMs: Date.now(),
    addresses: {},
  };
}

/** Encoded size per task of each kind of message, from Baton's own codecs (a 1,000-task batch, large ids). */
export function bytesPerTask(): FarmFloor['bytesPerTask'] {
  const n = 1000;
  const ids = Array.from({ length: n }, (_, i) => 100_000 + i);
  const down = (msg: ControllerMsg['msg']) => ControllerMsg.encode({ msg }).finish().length / n;
  const up = (kind: string, state: string) =>
    AgentMsg.encode({ msg: { $case: 'updates', updates: { items: ids.map((i) => update(i, kind, state)) } } }).finish().length / n;
  return {
    launch: Math.ceil(down({ $case: 'launch', launch: { batchId: 123456, deadlineMs: 300_000, tasks: ids.map(launchSpecOf) } })),
    launched: Math.ceil(up('launched', 'STANDBY')),
    transition: Math.ceil(
      down({
        $case: 'transition',
        transition: { batchId: 123456, event: 'CONFIGURE', deadlineMs: 300_000, items: ids.map((i) => ({ taskId: taskIdOf(i), args: {} })) },
      }),
    ),
    state: Math.ceil(up('state', 'CONFIGURED')),
  };
}

/** The per-task records a controller must hold, built alone; ms. */
export function bookkeepingFloor(tasks: number, agents: number): number {
  const t0 = performance.now();
  const nodes = Array.from({ length: agents }, () => new Set<object>());
  const byId = new Map<string, { id: string; name: string; node: number; state: string }>();
  const all: object[] = [];
  for (let i = 0; i < tasks; i++) {
    const name = `sim-${i}`;
    const t = { id: `${ENV}/${name}`, name, node: i % agents, state: 'STANDBY' };
    all.push(t);
    byId.set(t.id, t);
    nodes[t.node]!.add(t);
  }
  const ms = performance.now() - t0;
  if (all.length !== byId.size) throw new Error('bookkeeping floor: ids collided');
  return ms;
}

interface Peer {
  streams: grpc.ClientDuplexStream<Buffer, Buffer>[];
  stop(): Promise<void>;
}

async function startPeer(agents: number): Promise<Peer> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floors', 'batch-server.js');
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`batch server exited with ${code}`)));
  });
  const Ctor = grpc.makeGenericClientConstructor(ECHO_SERVICE, 'Echo');
  // one connection per agent, as the controller has (a channel pool of its own each)
  const clients = Array.from(
    { length: agents },
    () =>
      new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
        'grpc.max_receive_message_length': 64 << 20,
      }) as grpc.Client & Record<string, Function>,
  );
  const streams = clients.map((c) => c.stream() as grpc.ClientDuplexStream<Buffer, Buffer>);
  return {
    streams,
    async stop() {
      for (const s of streams) s.end();
      for (const c of clients) c.close();
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(t);
    },
  };
}

/** One round: each agent's tasks go down in MAX_BATCH messages and come back in FLUSH_ITEMS messages. */
function round(peer: Peer, tasks: number, downBytes: number, upBytes: number): Promise<number> {
  const agents = peer.streams.length;
  let expected = 0;
  const plans: Buffer[][] = peer.streams.map((_, a) => {
    const mine = Math.floor(tasks / agents) + (a < tasks % agents ? 1 : 0);
    const msgs: Buffer[] = [];
    for (let i = 0; i < mine; i += MAX_BATCH) {
      const k = Math.min(MAX_BATCH, mine - i);
      const replies = Math.ceil(k / FLUSH_ITEMS);
      const m = Buffer.alloc(Math.max(8, k * downBytes), 1);
      m.writeUInt32LE(replies, 0);
      m.writeUInt32LE(Math.min(FLUSH_ITEMS, k) * upBytes, 4);
      msgs.push(m);
      expected += replies;
    }
    return msgs;
  });
  return new Promise((resolve, reject) => {
    let got = 0;
    const t0 = performance.now();
    const onData = () => {
      if (++got === expected) {
        for (const s of peer.streams) s.off('data', onData);
        resolve(performance.now() - t0);
      }
    };
    peer.streams.forEach((s, a) => {
      s.on('data', onData);
      s.once('error', reject);
      for (const m of plans[a]!) s.write(m);
    });
  });
}

/** Measures the farm floor for `tasks` tasks on `agents` agents. */
export async function farmFloor(tasks: number, agents: number): Promise<FarmFloor> {
  const bytes = bytesPerTask();
  const peer = await startPeer(agents);
  try {
    await round(peer, Math.min(tasks, 20_000), bytes.transition, bytes.state); // warm up: connections, JIT
    const launchMs = await round(peer, tasks, bytes.launch, bytes.launched);
    const transitionMs = await round(peer, tasks, bytes.transition, bytes.state);
    const bookkeepingMs = bookkeepingFloor(tasks, agents);
    return {
      tasks,
      agents,
      bytesPerTask: bytes,
      launchMs,
      transitionMs,
      bookkeepingMs,
      upMs: bookkeepingMs + launchMs + 2 * transitionMs,
      downMs: 3 * transitionMs,
    };
  } finally {
    await peer.stop();
  }
}
