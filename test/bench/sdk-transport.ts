// Which gRPC transport the Node task SDK (sdk/node) stands on: @grpc/grpc-js or node:http2, with
// generated codecs (core/rpc/gen/task.ts, which imports grpc-js for its service stubs, or the same
// messages generated without them, sdk/node/gen/: what the SDK ships). Each candidate (sdk-transport/*-task.ts) is started as a fresh
// process against the agent's real task control server (core/agent/process/control-server.ts):
//   start-up: cpu-ms and wall-ms from the process start to the agent's welcome (median of RUNS);
//   per transition: TRANSITIONS round trips in each of a few processes, the task's cpu per
//   transition and the wall time per round trip seen by the server.
// Candidates are interleaved run by run, so that load from elsewhere falls on all of them alike.
// Usage: node dist/test/bench/sdk-transport.js [runs=30] [transitions=2000]
// The figures go in docs/performance.md, "Node SDK transport".
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlServer, type TaskConn } from '../../core/agent/process/control-server.js';
import { summarize } from './stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.argv[2] ?? 30);
const TRANSITIONS = Number(process.argv[3] ?? 2000);
const TRANSITION_PROCESSES = 5;

/** what a Node process costs that only reports (no transport at all), for scale */
const EMPTY_NODE = `const c=process.cpuUsage();process.stdout.write(JSON.stringify({point:'welcome',cpuMs:(c.user+c.system)/1000,at:performance.timeOrigin+performance.now()})+'\\n')`;
const CANDIDATES: Record<string, string[]> = {
  'node (empty program)': ['-e', EMPTY_NODE],
  '@grpc/grpc-js': [path.join(HERE, 'sdk-transport', 'grpc-js-task.js')],
  'node:http2 + core/rpc/gen': [path.join(HERE, 'sdk-transport', 'http2-task.js')],
  'node:http2 + sdk/node/gen': [path.join(HERE, 'sdk-transport', 'sdk-call-task.js')],
};

interface Point {
  point: string;
  cpuMs: number;
  at: number;
}
interface Plan {
  transitions: number;
  conn?: TaskConn;
  firstSentAt?: number;
  lastReplyAt?: number;
}

const plans = new Map<string, Plan>();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-sdk-transport-'));
const send = (p: Plan, seq: number, event: string) => p.conn!.send({ seq, event, args: {}, deadlineMs: 10_000 });
const server = await startControlServer(path.join(dir, 'task.sock'), {
  authorize: () => true,
  onHello: (id, conn) => {
    const p = plans.get(id)!;
    p.conn = conn;
    p.firstSentAt = performance.now();
    send(p, 1, p.transitions ? 'CONFIGURE' : 'EXIT');
  },
  onReply: (id, r) => {
    const p = plans.get(id)!;
    if (r.seq > p.transitions) return;
    if (r.seq === p.transitions) p.lastReplyAt = performance.now();
    send(p, r.seq + 1, r.seq === p.transitions ? 'EXIT' : 'CONFIGURE');
  },
  onClose: () => {},
  onEvent: () => {},
  onCounters: () => {},
});

let runId = 0;
async function run(args: string[], transitions: number): Promise<{ points: Map<string, Point>; startedAt: number; plan: Plan }> {
  const id = `task-${++runId}`;
  const plan: Plan = { transitions };
  plans.set(id, plan);
  const startedAt = performance.timeOrigin + performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, BATON_CONTROL: server.address, BATON_TASK_ID: id, BATON_TASK_TOKEN: 'bench' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}`);
  const points = new Map<string, Point>();
  for (const line of out.trim().split('\n')) {
    const p = JSON.parse(line) as Point;
    points.set(p.point, p);
  }
  return { points, startedAt, plan };
}

const names = Object.keys(CANDIDATES);
const startup = new Map(names.map((n) => [n, { cpuMs: [] as number[], wallMs: [] as number[] }]));
for (let i = 0; i < RUNS; i++) {
  for (const n of i % 2 ? [...names].reverse() : names) {
    const r = await run(CANDIDATES[n]!, 0);
    const welcome = r.points.get('welcome')!;
    startup.get(n)!.cpuMs.push(welcome.cpuMs);
    startup.get(n)!.wallMs.push(welcome.at - r.startedAt);
  }
}
const perTransition = new Map(names.slice(1).map((n) => [n, { cpuUs: [] as number[], wallUs: [] as number[] }]));
for (let i = 0; i < TRANSITION_PROCESSES; i++) {
  for (const n of names.slice(1)) {
    const r = await run(CANDIDATES[n]!, TRANSITIONS);
    perTransition.get(n)!.cpuUs.push(((r.points.get('exit')!.cpuMs - r.points.get('first')!.cpuMs) * 1000) / TRANSITIONS);
    perTransition.get(n)!.wallUs.push(((r.plan.lastReplyAt! - r.plan.firstSentAt!) * 1000) / TRANSITIONS);
  }
}
await server.stop();
fs.rmSync(dir, { recursive: true, force: true });

console.log(
  `start-up to the welcome, median (p95) of ${RUNS} fresh processes each, node ${process.version}, ${os.cpus().length} cpus, load ${os.loadavg()[0]!.toFixed(2)}:`,
);
for (const [n, s] of startup) {
  const cpu = summarize(s.cpuMs, 1);
  const wall = summarize(s.wallMs, 1);
  console.log(`  ${n.padEnd(28)} cpu ${cpu.p50} ms (${cpu.p95})   wall ${wall.p50} ms (${wall.p95})`);
}
console.log(`per transition round trip, median of ${TRANSITION_PROCESSES} processes x ${TRANSITIONS} transitions:`);
for (const [n, s] of perTransition) {
  console.log(`  ${n.padEnd(28)} task cpu ${summarize(s.cpuUs, 1).p50} us   wall ${summarize(s.wallUs, 1).p50} us`);
}
