// The conformance task program (CONFORMANCE.md) written straight on @grpc/grpc-js and the
// generated TaskControlClient, with no SDK: the reference the SDKs' programs are measured against,
// and a short, complete example of task.proto's rules (docs/tasks.md) for anyone writing an SDK.
//
// Two modes break the rules on purpose, for the tests of what the agent enforces:
//   CONFORMANCE_WRONG_STATE=1  CONFIGURE is answered ok with state RUNNING (the target is CONFIGURED)
//   CONFORMANCE_KEEP_OPEN=1    after the EXIT reply the stream stays open and the program stays alive
//   CONFORMANCE_INTERNAL_ERROR=<reason>  after the START reply, a spontaneous INTERNAL_ERROR event
import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { TaskControlClient, type AgentToTask, type TaskMsg, type Transition, type TransitionReply } from '../../../core/rpc/gen/task.js';

/** task.proto: the states each transition is allowed from, and its target */
const RULES: Record<string, { from: string[]; to: string }> = {
  CONFIGURE: { from: ['STANDBY'], to: 'CONFIGURED' },
  START: { from: ['CONFIGURED'], to: 'RUNNING' },
  STOP: { from: ['RUNNING'], to: 'CONFIGURED' },
  RESET: { from: ['CONFIGURED'], to: 'STANDBY' },
  EXIT: { from: ['STANDBY', 'CONFIGURED', 'RUNNING', 'ERROR'], to: 'DONE' },
};
const GRACE_ENV = 'BATON_ORPHAN_GRACE_MS';
const REFUSALS_BEFORE_LEAVING = 3;
/** before the first welcome: calls that end without one (no agent: it died before the hello) */
const UNWELCOMED_BEFORE_LEAVING = 3;

const env = process.env;
for (const k of ['BATON_CONTROL', 'BATON_TASK_ID', 'BATON_TASK_TOKEN']) {
  if (!env[k]) {
    process.stderr.write(`conformance: ${k} is not set: this program runs under a baton agent\n`);
    process.exit(2);
  }
}
const graceMs = /^\d+$/.test(env[GRACE_ENV] ?? '') ? Number(env[GRACE_ENV]) : 300_000;

/** stdout line by line, unbuffered: a test reads the log while the program runs */
function say(line: string): void {
  fs.writeSync(1, `${line}\n`);
}

let state = 'STANDBY';
let exiting = false;
let refusals = 0;
let welcomedOnce = false;
let unwelcomed = 0;
let backoffMs = 100;
/** monotonic time since when no agent has answered (null while connected and welcomed) */
let lostSince: number | null = performance.now();
let call: grpc.ClientDuplexStream<TaskMsg, AgentToTask> | null = null;
const client = new TaskControlClient(env.BATON_CONTROL!, grpc.credentials.createInsecure());

function dial(): void {
  const c = client.control();
  call = c;
  c.on('data', (m: AgentToTask) => {
    lostSince = null;
    if (m.msg?.$case === 'welcome') {
      refusals = 0;
      welcomedOnce = true;
      backoffMs = 100;
    } else if (m.msg?.$case === 'transition') {
      c.write({ msg: { $case: 'reply', reply: answer(m.msg.transition) } });
      if (m.msg.transition.event === 'EXIT') leave(c);
    }
  });
  c.on('error', (e: grpc.ServiceError) => {
    if (e.code === grpc.status.UNAUTHENTICATED && ++refusals >= REFUSALS_BEFORE_LEAVING) {
      process.stderr.write(`conformance: the agent refused this task ${refusals} times (${e.details}); leaving\n`);
      process.exit(1);
    }
    redial(c);
  });
  c.on('end', () => redial(c));
  // hello first, with the current state: a restarted agent re-adopts the task from it
  c.write({ msg: { $case: 'hello', hello: { taskId: env.BATON_TASK_ID!, token: env.BATON_TASK_TOKEN!, pid: process.pid, state } } });
}

function redial(c: grpc.ClientDuplexStream<TaskMsg, AgentToTask>): void {
  if (exiting || call !== c) return; // after EXIT the program leaves; never a second dial per stream
  call = null;
  if (!welcomedOnce && graceMs > 0 && ++unwelcomed >= UNWELCOMED_BEFORE_LEAVING) {
    // the agent listened before it spawned us: none now means it died before our hello, so the
    // launch was never reported and no one else knows this task (docs/tasks.md, Orphan grace)
    process.stderr.write(`conformance: no agent ever welcomed this task (${unwelcomed} calls without a welcome); leaving\n`);
    process.exit(1);
  }
  lostSince ??= performance.now();
  setTimeout(dial, backoffMs);
  backoffMs = Math.min(backoffMs * 2, 2000);
}

function answer(t: Transition): TransitionReply {
  const ev = t.event;
  say(`conformance: got ${ev}`);
  const rule = RULES[ev];
  if (!rule) return { seq: t.seq, ok: false, state, error: `unknown event ${ev}` };
  if (!rule.from.includes(state)) return { seq: t.seq, ok: false, state, error: `${ev} is not allowed from ${state}` };
  if (ev === 'CONFIGURE') {
    for (const k of Object.keys(t.args).sort()) say(`conformance: arg ${k}=${t.args[k]}`);
  }
  if (ev === 'START') say(`conformance: run_number=${t.args.run_number ?? ''}`);
  if (env.CONFORMANCE_FAIL === ev) {
    state = 'ERROR';
    return { seq: t.seq, ok: false, state, error: `asked to fail ${ev}` };
  }
  if (ev === 'START') call?.write({ msg: { $case: 'event', event: { kind: 'conformance', message: `run ${t.args.run_number ?? ''}`, data: {} } } });
  state = rule.to;
  if (ev === 'START' && env.CONFORMANCE_INTERNAL_ERROR) {
    const reason = env.CONFORMANCE_INTERNAL_ERROR;
    setTimeout(() => {
      state = 'ERROR';
      call?.write({ msg: { $case: 'event', event: { kind: 'INTERNAL_ERROR', message: reason, data: {} } } });
    }, 100);
  }
  // the wrong-state mode lies in its reply only: its own state machine stays right
  const claimed = ev === 'CONFIGURE' && env.CONFORMANCE_WRONG_STATE === '1' ? 'RUNNING' : state;
  return { seq: t.seq, ok: true, state: claimed, error: '' };
}

/** After the EXIT reply: half-close, linger if asked, then leave (0 after an ok EXIT). */
function leave(c: grpc.ClientDuplexStream<TaskMsg, AgentToTask>): void {
  exiting = true;
  if (env.CONFORMANCE_KEEP_OPEN === '1') return; // the stream stays open; the orphan timer keeps the loop alive
  c.end();
  const code = state === 'DONE' ? 0 : 1;
  setTimeout(() => {
    say('conformance: leaving');
    process.exit(code);
  }, Number(env.CONFORMANCE_LINGER_MS) || 0);
}

// the orphan grace, on the monotonic clock (a wall clock step must not end the task early or late)
setInterval(
  () => {
    if (exiting || graceMs === 0 || lostSince === null) return;
    const lost = performance.now() - lostSince;
    if (lost < graceMs) return;
    process.stderr.write(`conformance: no agent at ${env.BATON_CONTROL} for ${(lost / 1000).toFixed(1)} s (${GRACE_ENV} ${graceMs}); orphan, leaving\n`);
    process.exit(1);
  },
  Math.min(Math.max(graceMs / 10, 20), 1000),
);

dial();
