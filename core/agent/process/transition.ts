// Transitions and kills of process tasks: a batch's entry points (transitionBatch, killBatch) and
// each task's part. A controlled task gets the transition over its control stream and has until
// the deadline to answer; "slow" (still alive at the deadline:
// TIMEOUT, data.alive=true) is told apart from "crashed" (exited: TASK_FAILED with exit code or
// signal and its last lines). A basic task is answered by the agent itself.
import type { TaskTransition } from '../../rpc/gen/agent.js';
import type { TransitionReply } from '../../rpc/gen/task.js';
import { isTaskEvent, TASK_STATES, TASK_TRANSITION_TABLE, type TaskEvent, type TaskState } from '../../model/states.js';
import { BatonError } from '../../model/errors.js';
import { makeUpdate } from '../updates.js';
import { terminateGroups } from './group-kill.js';
import { processAlive } from './proc.js';
import { exitedError, taskError, waitForExit, type ProcTask } from './task.js';
import type { ProcessDriver } from './driver.js';

const DEFAULT_TRANSITION_MS = 30_000;
const DEFAULT_CONTROL_EXIT_MS = 3_000;
const DEFAULT_TERM_MS = 3_000;

function reply(d: ProcessDriver, t: ProcTask, batchId: number, fields: Parameters<typeof makeUpdate>[2]): void {
  d.sink.push(makeUpdate(t.id, 'state', { batchId, pid: t.pid, state: t.state, ...fields }));
  // a controlled task tells a restarted agent its state in its hello; only a basic task's state
  // lives in tasks.json alone (rewriting it on every reply was ~9% of an agent's cpu in transitions),
  // and an exited one is not in it
  if (t.control === 'basic' && !t.exit) d.persist();
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
  let r: TransitionReply | null | 'timeout' = 'timeout';
  if (event === 'EXIT' && t.exitAsk) {
    r = await t.exitAsk; // never a second EXIT: the answer to the first one stands
  } else {
    await waitConn(t, deadlineAt);
    if (!t.exit && t.conn) r = await (event === 'EXIT' ? askExit(d, t, deadlineAt) : ask(d, t, event, it.args, deadlineAt));
  }
  if (d.stopped) return;
  if (r === 'timeout' && !t.exit && !processAlive(t.pid)) await waitForExit(t, 500); // died right at the deadline
  if (r === null || t.exit) {
    if (!t.exit) return; // the agent is stopping
    if (event === 'EXIT' && t.exitRequested) return reply(d, t, batchId, { ok: true }); // answered, then left
    return reply(d, t, batchId, { ok: false, state: 'ERROR', error: exitedError(t, d.node, event) });
  }
  if (r === 'timeout') {
    const how = t.conn
      ? `did not answer ${event} within ${deadlineMs || DEFAULT_TRANSITION_MS} ms`
      : `is not connected to the control socket (no answer to ${event} within ${deadlineMs || DEFAULT_TRANSITION_MS} ms)`;
    return reply(d, t, batchId, {
      ok: false,
      error: taskError(t, d.node, 'TIMEOUT', `task ${t.name} ${how}; it is still alive`, { transition: event, data: { alive: 'true' } }),
    });
  }
  if (!r.ok) {
    t.state = (TASK_STATES as readonly string[]).includes(r.state) ? (r.state as TaskState) : 'ERROR';
    return reply(d, t, batchId, {
      ok: false,
      error: taskError(t, d.node, 'TASK_FAILED', `task ${t.name} failed ${event}: ${r.error || 'no reason given'}`, {
        transition: event,
        data: { reason: r.error },
      }),
    });
  }
  const expected = TASK_TRANSITION_TABLE[event].to;
  if (r.state !== expected) {
    // The task broke the protocol: it and the agent now disagree on where it is. ERROR is the
    // one state nothing can take for progress: the state it claims (RUNNING after CONFIGURE)
    // would make the next transition skip it as already done, and the state it should be in
    // would send it transitions its own state machine refuses. In ERROR the controller treats it
    // as broken (RECOVER relaunches it) and EXIT is still allowed.
    t.state = 'ERROR';
    return reply(d, t, batchId, {
      ok: false,
      error: taskError(
        t,
        d.node,
        'TASK_FAILED',
        `task ${t.name} answered ${event} ok with state ${r.state || '(empty)'}, but ${event} leads to ${expected} (task.proto)`,
        { transition: event, data: { expected, received: r.state } },
      ),
    });
  }
  t.state = expected;
  reply(d, t, batchId, { ok: true });
}

function controlExitMs(t: ProcTask): number {
  return t.controlExitMs || DEFAULT_CONTROL_EXIT_MS;
}

/**
 * Sends the task its one EXIT (an EXIT transition and a graded kill share it: task.proto says a
 * task is never sent EXIT twice). An ok reply (state DONE) starts the task's control_exit grace:
 * it may half-close its stream and finish small work, and is terminated only once the grace ends.
 */
function askExit(d: ProcessDriver, t: ProcTask, deadlineAt: number): Promise<TransitionReply | null | 'timeout'> {
  t.exitAsk ??= ask(d, t, 'EXIT', {}, deadlineAt).then((r) => {
    if (r && r !== 'timeout' && r.ok && r.state === 'DONE') {
      t.exitRequested = true;
      t.exitGraceUntil = Date.now() + controlExitMs(t);
      terminateAfterGrace(d, t);
    }
    return r;
  });
  return t.exitAsk;
}

/** After an acknowledged EXIT the task leaves by itself; if it lingers past its grace, it is terminated. */
function terminateAfterGrace(d: ProcessDriver, t: ProcTask): void {
  const timer = setTimeout(
    () => {
      if (t.exit || d.stopped || t.killSignal) return; // gone, or a graded kill is already signalling it
      void d.track(terminateGroups(d, [t], 'SIGTERM', DEFAULT_TERM_MS));
    },
    Math.max(0, t.exitGraceUntil - Date.now()),
  );
  timer.unref();
}

/**
 * The EXIT step of a graded kill: the task is sent EXIT unless it already was, and has until its
 * grace ends to leave (counted from its reply when it acknowledges; from now otherwise).
 */
async function exitOverControl(d: ProcessDriver, t: ProcTask): Promise<void> {
  const ms = controlExitMs(t);
  if (!t.exitRequested) {
    const exited = waitForExit(t, ms);
    await Promise.race([askExit(d, t, Date.now() + ms), exited]);
    if (!t.exitRequested) await exited; // no ok answer (yet): the task keeps the rest of the window
  }
  if (t.exitRequested && !t.exit) await waitForExit(t, Math.max(0, t.exitGraceUntil - Date.now()));
  if (t.exit) await d.groups.whenGone(t.pid, ms);
}

function basicTransition(d: ProcessDriver, t: ProcTask, batchId: number, event: TaskEvent): void {
  // EXIT never comes here: exitBasicTasks terminates all of a batch's basic tasks together
  // a basic task follows the environment without being told
  t.state = TASK_TRANSITION_TABLE[event].to;
  reply(d, t, batchId, { ok: true });
}

/**
 * EXIT of basic tasks: SIGTERM to all their groups at once, SIGKILL after term_ms to what is left,
 * and each task is answered DONE when its exit has been seen and its group is gone, not before.
 * The answer carries the exit (`exit`), which is then not reported apart: one answer per task
 * instead of two (an exit and an answer) when 1,000 tasks leave together. `positions`: each task's
 * item in the batch; to a controller that reads exits by position, those answers go as columns of
 * a BatchAnswers, not a TaskUpdate each.
 */
export async function exitBasicTasks(d: ProcessDriver, batchId: number, tasks: readonly ProcTask[], positions?: readonly number[]): Promise<void> {
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    t.exitRequested = true;
    t.exitAnswerBatch = batchId;
    t.exitAnswerPosition = positions ? positions[i]! : -1;
  }
  await terminateGroups(d, tasks, 'SIGTERM', DEFAULT_TERM_MS, (t, gone) => {
    t.exitAnswerBatch = 0;
    if (d.stopped) return;
    // a task still there is answered without an exit: its exit, when it comes, is reported apart
    const exit = t.exit ?? undefined;
    if (gone) {
      t.state = 'DONE';
      // by position only while the batch's session lasts (a new controller knows tasks by id only)
      if (exit && t.exitAnswerPosition >= 0 && d.sink.exitsByPosition(batchId)) return d.sink.answeredExit(batchId, t.exitAnswerPosition, t.state, exit);
      return reply(d, t, batchId, { ok: true, exit });
    }
    reply(d, t, batchId, {
      ok: false,
      exit,
      error: taskError(t, d.node, 'TIMEOUT', `task ${t.name} (process group ${t.pid}) is still alive after SIGKILL`, {
        transition: 'EXIT',
        data: { alive: 'true', signal: t.killSignal },
      }),
    });
  });
}

/**
 * Graded (EXIT over control, SIGTERM, SIGKILL) or immediate (SIGKILL) kill of the tasks' groups.
 * The groups are signalled together (terminateGroups); a controlled task that can be told to EXIT
 * first gets its control_exit window, and is signalled only if it is still there after it.
 * `positions`: each task's item in the kill batch (its exit may then answer it by position).
 */
export async function killTaskGroups(
  d: ProcessDriver,
  batchId: number,
  tasks: readonly ProcTask[],
  graded: boolean,
  reason: string,
  positions?: readonly number[],
): Promise<void> {
  const live: ProcTask[] = [];
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    if (t.exit) continue;
    t.killBatch = batchId;
    t.killReason = reason;
    t.killPosition = positions ? positions[i]! : -1;
    live.push(t);
  }
  if (!graded) return terminateGroups(d, live, 'SIGKILL', DEFAULT_TERM_MS);
  // an adopted task's exit code cannot be read: an EXIT it acknowledged makes the exit DONE
  const told = live.filter((t) => !t.exit && t.control === 'controlled' && (t.conn || t.exitAsk));
  const toldSet = new Set(told);
  const rest = live.filter((t) => !toldSet.has(t));
  await Promise.all([
    terminateGroups(d, rest, 'SIGTERM', DEFAULT_TERM_MS),
    ...told.map(async (t) => {
      await exitOverControl(d, t);
      await terminateGroups(d, [t], 'SIGTERM', DEFAULT_TERM_MS);
    }),
  ]);
}

/**
 * One transition batch of the process driver: EXIT of basic tasks is one batched kill
 * (exitBasicTasks), everything else per task (transitionOne). `positions`: each item's index in
 * the batch as sent, for answers by position.
 */
export async function transitionBatch(
  d: ProcessDriver,
  batchId: number,
  event: TaskEvent,
  deadlineMs: number,
  items: readonly TaskTransition[],
  positions?: readonly number[],
): Promise<void> {
  if (!isTaskEvent(event)) throw new BatonError('BAD_INPUT', `unknown task event ${event}`);
  const basic: ProcTask[] = [];
  const basicAt: number[] = [];
  const rest: TaskTransition[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const t = d.tasks.get(it.taskId)!;
    if (event === 'EXIT' && t.control === 'basic' && !t.exit) {
      basic.push(t);
      if (positions) basicAt.push(positions[i]!);
    } else rest.push(it);
  }
  // the groups are signalled first (exitBasicTasks signals before it returns), the log markers after
  const exiting = exitBasicTasks(d, batchId, basic, positions ? basicAt : undefined);
  for (const t of basic) d.journal.markEnding(t.logPath, 'transition', event);
  for (const it of rest) {
    const t = d.tasks.get(it.taskId)!;
    if (!t.exit) d.journal.mark(t.logPath, 'transition', event);
  }
  await Promise.all([exiting, ...rest.map((it) => transitionOne(d, batchId, event, deadlineMs, it))]);
}

/** One kill batch of the process driver: the known ids' groups together (killTaskGroups). */
export async function killBatch(
  d: ProcessDriver,
  batchId: number,
  ids: readonly string[],
  graded: boolean,
  reason: string,
  positions?: readonly number[],
): Promise<void> {
  const tasks: ProcTask[] = [];
  const at: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const t = d.tasks.get(ids[i]!);
    if (!t) continue;
    tasks.push(t);
    if (positions) at.push(positions[i]!);
  }
  await killTaskGroups(d, batchId, tasks, graded, reason, positions ? at : undefined);
}
