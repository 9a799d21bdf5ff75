// Transitions and kills of one process task. A controlled task gets the transition over its
// control stream and has until the deadline to answer; "slow" (still alive at the deadline:
// TIMEOUT, data.alive=true) is told apart from "crashed" (exited: TASK_FAILED with exit code or
// signal and its last lines). A basic task is answered by the agent itself.
import type { TaskTransition } from '../../rpc/gen/agent.js';
import type { TransitionReply } from '../../rpc/gen/task.js';
import { TASK_STATES, TASK_TRANSITION_TABLE, type TaskEvent, type TaskState } from '../../model/states.js';
import { makeUpdate } from '../updates.js';
import { killGroupNow, signalGroup, termThenKill, waitGroupGone } from './kill.js';
import { processAlive } from './proc.js';
import { exitedError, taskError, type ProcTask } from './task.js';
import type { ProcessDriver } from './driver.js';

const DEFAULT_TRANSITION_MS = 30_000;
const DEFAULT_CONTROL_EXIT_MS = 3_000;
const DEFAULT_TERM_MS = 3_000;

function reply(d: ProcessDriver, t: ProcTask, batchId: number, fields: Parameters<typeof makeUpdate>[2]): void {
  d.sink.push(makeUpdate(t.id, 'state', { batchId, pid: t.pid, state: t.state, ...fields }));
  // a controlled task tells a restarted agent its state in its hello; only a basic task's state
  // lives in tasks.json alone (rewriting it on every reply was ~9% of an agent's cpu in transitions)
  if (t.control === 'basic') d.persist();
}

function waitConn(t: ProcTask, deadlineAt: number): Promise<void> {
  if (t.conn || t.exit) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      t.connWaiters.delete(done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, deadlineAt - Date.now()));
    t.connWaiters.add(done);
  });
}

/** Sends one transition and waits for its reply: a reply, null (exited), or 'timeout'. */
function ask(d: ProcessDriver, t: ProcTask, event: string, args: Record<string, string>, deadlineAt: number): Promise<TransitionReply | null | 'timeout'> {
  const seq = d.nextSeq();
  const ms = Math.max(1, deadlineAt - Date.now());
  return new Promise((resolve) => {
    const done = (r: TransitionReply | null | 'timeout') => {
      clearTimeout(timer);
      t.pending.delete(seq);
      resolve(r);
    };
    const timer = setTimeout(() => done('timeout'), ms);
    t.pending.set(seq, done);
    if (!t.conn?.send({ seq, event, args, deadlineMs: ms })) {
      // the stream broke between hello and now: the task may come back before the deadline
      void waitConn(t, deadlineAt).then(() => {
        if (t.pending.has(seq) && t.conn) t.conn.send({ seq, event, args, deadlineMs: Math.max(1, deadlineAt - Date.now()) });
      });
    }
  });
}

export async function transitionOne(d: ProcessDriver, batchId: number, event: TaskEvent, deadlineMs: number, it: TaskTransition): Promise<void> {
  const t = d.tasks.get(it.taskId)!;
  if (t.exit) return reply(d, t, batchId, { ok: false, error: exitedError(t, d.node, event) });
  if (t.control === 'basic') return basicTransition(d, t, batchId, event);

  const deadlineAt = Date.now() + (deadlineMs || DEFAULT_TRANSITION_MS);
  await waitConn(t, deadlineAt);
  let r: TransitionReply | null | 'timeout' = 'timeout';
  if (!t.exit && t.conn) r = await ask(d, t, event, it.args, deadlineAt);
  if (d.stopped) return;
  if (r === 'timeout' && !t.exit && !processAlive(t.pid)) await d.waitExit(t, 500); // died right at the deadline
  if (t.exit || r === null) {
    if (!t.exit) return; // the agent is stopping
    return reply(d, t, batchId, { ok: false, state: 'ERROR', error: exitedError(t, d.node, event) });
  }
  if (r === 'timeout') {
    const how = t.conn ? `did not answer ${event} within ${deadlineMs || DEFAULT_TRANSITION_MS} ms` : `is not connected to the control socket (no answer to ${event} within ${deadlineMs || DEFAULT_TRANSITION_MS} ms)`;
    return reply(d, t, batchId, {
      ok: false,
      error: taskError(t, d.node, 'TIMEOUT', `task ${t.name} ${how}; it is still alive`, { transition: event, data: { alive: 'true' } }),
    });
  }
  if ((TASK_STATES as readonly string[]).includes(r.state)) t.state = r.state as TaskState;
  else if (!r.ok) t.state = 'ERROR';
  if (!r.ok) {
    return reply(d, t, batchId, {
      ok: false,
      error: taskError(t, d.node, 'TASK_FAILED', `task ${t.name} failed ${event}: ${r.error || 'no reason given'}`, { transition: event, data: { reason: r.error } }),
    });
  }
  if (event === 'EXIT') {
    t.exitRequested = true;
    ensureExit(d, t);
  }
  reply(d, t, batchId, { ok: true });
}

/** After an EXIT the task should leave by itself; if it lingers, it is terminated. */
function ensureExit(d: ProcessDriver, t: ProcTask): void {
  const timer = setTimeout(() => {
    if (!t.exit && !d.stopped) d.track(termThenKill(t.pid, t.termMs || DEFAULT_TERM_MS));
  }, t.controlExitMs || DEFAULT_CONTROL_EXIT_MS);
  timer.unref();
}

async function basicTransition(d: ProcessDriver, t: ProcTask, batchId: number, event: TaskEvent): Promise<void> {
  if (event === 'EXIT') {
    t.exitRequested = true;
    t.killSignal = await termThenKill(t.pid, t.termMs || DEFAULT_TERM_MS);
    await d.waitExit(t, 2000);
    t.state = 'DONE';
    return reply(d, t, batchId, { ok: true });
  }
  // a basic task follows the environment without being told
  t.state = TASK_TRANSITION_TABLE[event].to;
  reply(d, t, batchId, { ok: true });
}

/** Graded (EXIT over control, SIGTERM, SIGKILL) or immediate (SIGKILL) kill of the whole group. */
export async function killOne(d: ProcessDriver, batchId: number, t: ProcTask, graded: boolean, reason: string): Promise<void> {
  if (t.exit) return;
  t.killBatch = batchId;
  t.killReason = reason;
  if (graded) {
    if (t.control === 'controlled' && t.conn) {
      const ms = t.controlExitMs || DEFAULT_CONTROL_EXIT_MS;
      // an adopted task's exit code cannot be read: an EXIT it acknowledged makes the exit DONE
      void ask(d, t, 'EXIT', {}, Date.now() + ms).then((r) => {
        if (r && r !== 'timeout' && r.ok) t.exitRequested = true;
      });
      if (await d.waitExit(t, ms)) {
        await waitGroupGone(t.pid, ms);
      }
    }
    if (!t.exit || (await waitGroupGone(t.pid, 0)) === false) {
      t.killSignal = 'SIGTERM';
      signalGroup(t.pid, 'SIGTERM');
      if (!(await waitGroupGone(t.pid, t.termMs || DEFAULT_TERM_MS))) {
        t.killSignal = 'SIGKILL';
        await killGroupNow(t.pid);
      }
    }
  } else {
    t.killSignal = 'SIGKILL';
    await killGroupNow(t.pid);
  }
  await d.waitExit(t, 2000);
}
