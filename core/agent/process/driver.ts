// The process driver: real tasks as process groups. This file keeps the task table, exit
// handling, the control socket hooks, metrics and logs; adopt.ts takes over a predecessor's tasks,
// launch.ts and transition.ts do the per-task work of the batches.
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { LaunchSpec, TaskInfo, TaskMetrics, TaskTransition } from '../../rpc/gen/agent.js';
import type { TaskHello, TransitionReply } from '../../rpc/gen/task.js';
import { TASK_STATES, type TaskEvent, type TaskState } from '../../model/states.js';
import type { Driver, LogRequest } from '../driver.js';
import type { ResolvedOptions } from '../options.js';
import { exitInfo, makeUpdate, describeExit, type UpdateSink } from '../updates.js';
import { startControlServer, type ControlServer, type TaskConn } from './control-server.js';
import { GroupWatch } from './group-kill.js';
import { LogJournal } from '../logs/journal.js';
import { exitMarker } from '../logs/markers.js';
import { streamTaskLog } from '../logs/stream.js';
import { TaskSampler } from './metrics.js';
import { PortAllocator } from './ports.js';
import { ephemeralWarning } from './ephemeral-ports.js';
import { StateWriter } from './state-file.js';
import { persistedJson, taskError, taskInfo, type ProcTask } from './task.js';
import { launchOne } from './launch.js';
import { ExitedTasks } from './exited-tasks.js';
import { adoptRecordedTasks, pollAdoptedExits, reapStrays } from './adopt.js';
import { lateReplyState } from './late-reply.js';
import { SpawnHelper } from './spawner.js';
import { inheritedEnv } from './spawn.js';
import { killBatch, killTaskGroups, transitionBatch } from './transition.js';
import { BatonError } from '../../model/errors.js';
import { privateDir } from '../../model/private-files.js';

/** the task event kind by which a task reports a spontaneous error (task.proto TaskEvent) */
const INTERNAL_ERROR = 'INTERNAL_ERROR';

/** tasks starting at once per agent (see launch) */
const LAUNCH_SLOTS = Math.max(4, 2 * os.availableParallelism());

export const DEFAULT_LAUNCH_DEADLINE_MS = 10_000;
const ADOPTED_POLL_MS = 250;
const MAX_EXITED = 1000;

export class ProcessDriver implements Driver {
  readonly kind = 'process' as const;
  readonly tasks = new Map<string, ProcTask>();
  /** exited tasks kept readable until a reap, up to MAX_EXITED */
  private readonly exited = new ExitedTasks(this.tasks, MAX_EXITED);
  readonly ports: PortAllocator;
  readonly controlPath: string;
  private control: ControlServer | null = null;
  private readonly stateWriter: StateWriter;
  private readonly sampler = new TaskSampler();
  private timers: NodeJS.Timeout[] = [];
  private readonly background = new Set<Promise<unknown>>();
  /** groups whose leader has exited but that still have members: one /proc scan for all */
  readonly groups = new GroupWatch();
  private seq = 1;
  stopped = false;
  /** null: tasks are spawned by Node (the helper was not built, is turned off, or died) */
  spawner: SpawnHelper | null = null;
  readonly inheritedEnv = inheritedEnv();
  /** capture times and markers of the tasks' logs (core/agent/logs/) */
  readonly journal = new LogJournal();

  constructor(
    readonly o: ResolvedOptions,
    readonly sink: UpdateSink,
  ) {
    this.ports = new PortAllocator(o.portMin, o.portMax, o.name);
    this.controlPath = path.join(o.dir, 'task.sock');
    this.stateWriter = new StateWriter(path.join(o.dir, 'tasks.json'), () => [...this.tasks.values()].filter((t) => !t.exit).map(persistedJson));
  }

  get node(): string {
    return this.o.name;
  }

  nextSeq(): number {
    return this.seq++;
  }

  persist(): void {
    this.stateWriter.schedule();
  }

  /** Resolves once tasks.json holds every change persisted so far. */
  persisted(): Promise<void> {
    return this.stateWriter.flushed();
  }

  async start(): Promise<void> {
    // task logs and the task control socket: the agent user's only
    privateDir(this.o.dir, `agent ${this.o.name} folder`);
    privateDir(path.join(this.o.dir, 'logs'), `agent ${this.o.name} logs`);
    privateDir(path.join(this.o.dir, 'sock'), `agent ${this.o.name} sockets`);
    for (const t of adoptRecordedTasks(this.o.dir)) {
      for (const port of Object.values(t.ports)) this.ports.reserve(port);
      this.tasks.set(t.id, t);
    }
    reapStrays(this.o.dir, this.o.name, this.tasks.values());
    const portWarning = ephemeralWarning(this.o.name, this.o.portMin, this.o.portMax);
    if (portWarning) console.error(portWarning);
    for (const t of this.tasks.values()) this.journal.adopted(t.logPath, t.pid);
    this.journal.start();
    if (this.o.spawnHelper) this.spawner = SpawnHelper.start((pids) => this.helperLost(pids));
    this.control = await startControlServer(this.controlPath, {
      authorize: (id, token) => this.authorize(id, token),
      onHello: (id, conn, h) => this.onHello(id, conn, h),
      onClose: (id, conn) => {
        const t = this.tasks.get(id);
        if (t && t.conn === conn) t.conn = null;
      },
      onReply: (id, r) => {
        const t = this.tasks.get(id);
        const res = t?.pending.get(r.seq);
        if (res) res(r);
        else if (t) this.onLateReply(t, r);
      },
      onEvent: (id, e) => {
        const t = this.tasks.get(id);
        if (!t) return;
        this.sink.push(makeUpdate(id, 'event', { state: t.state, eventKind: e.kind, message: e.message, pid: t.pid, ok: true }));
        if (e.kind === INTERNAL_ERROR) this.onInternalError(t, e.message);
      },
      onCounters: (id, c) => {
        const t = this.tasks.get(id);
        if (t) t.counters = c.channels;
      },
    });
    this.timers.push(setInterval(() => pollAdoptedExits(this.tasks.values(), (t, code, signal) => this.onExit(t, code, signal)), ADOPTED_POLL_MS));
    this.timers.push(setInterval(() => this.rotateLogs(), 1000));
    for (const t of this.timers) t.unref();
    this.stateWriter.writeNow();
  }

  /**
   * A task reported a spontaneous error (task.proto: INTERNAL_ERROR): it is in ERROR now, and the
   * controller hears it as a spontaneous state change, as it would a failed transition, rather
   * than learning it only from the task's next reply.
   */
  private onInternalError(t: ProcTask, message: string): void {
    if (t.state === 'ERROR' || t.state === 'DONE' || t.exit) return;
    t.state = 'ERROR';
    const error = taskError(t, this.node, 'TASK_FAILED', `task ${t.name} reported an error: ${message || 'no reason given'}`, { data: { reason: message } });
    this.sink.push(makeUpdate(t.id, 'state', { batchId: 0, ok: false, state: 'ERROR', pid: t.pid, error }));
  }

  private authorize(id: string, token: string): boolean {
    const t = this.tasks.get(id);
    if (!t || t.exit || t.silent) return false;
    const a = Buffer.from(token);
    const b = Buffer.from(t.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private onHello(id: string, conn: TaskConn, h: TaskHello): void {
    const t = this.tasks.get(id)!;
    if (t.conn && t.conn !== conn) t.conn.end();
    t.conn = conn;
    // a task that reconnects after an agent restart knows its state better than tasks.json
    if (h.state && (TASK_STATES as readonly string[]).includes(h.state)) this.learnState(t, h.state as TaskState);
    for (const w of [...t.connWaiters]) w();
  }

  /** Adopted controlled tasks (no child of ours) say their state when they re-dial: waits for them. */
  async reconnected(maxMs: number): Promise<void> {
    const until = Date.now() + maxMs;
    const unsure = () => [...this.tasks.values()].some((t) => t.launched && t.control === 'controlled' && !t.exit && !t.conn && !t.child);
    while (unsure() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  }

  /** The answer to a transition a predecessor agent sent (late-reply.ts). */
  private onLateReply(t: ProcTask, r: TransitionReply): void {
    const state = t.exit ? null : lateReplyState(t.state, r);
    if (state) this.learnState(t, state);
  }

  /** The task itself says it is in `state` (on re-dial, or in a late reply): the controller hears it. */
  private learnState(t: ProcTask, state: TaskState): void {
    if (state === t.state) return;
    t.state = state;
    if (t.launched) this.sink.push(makeUpdate(t.id, 'state', { state, ok: true, pid: t.pid }));
    this.persist();
  }

  /** The task's process is gone: report it (once), free what it held, make sure its group is gone. */
  onExit(t: ProcTask, code: number | null, signal: string | null, groupGone?: boolean): void {
    if (t.exit) return;
    t.exit = exitInfo(code, signal);
    t.conn?.end();
    t.conn = null;
    // no copies of what is empty (a basic task has no ports, files, pending calls or conn waiters):
    // five arrays per exit were most of what an exit allocated when 1,000 tasks left together
    for (const name in t.ports) this.ports.release(t.ports[name]!);
    for (const f of t.unixPaths) fs.rm(f, { force: true, recursive: true }, () => {});
    for (const f of t.cleanupFiles) fs.rm(f, { force: true, recursive: true }, () => {});
    this.groups.killRest(t.pid, groupGone); // no orphans left behind by the leader
    t.state = code === 0 || t.exitRequested ? 'DONE' : 'ERROR';
    const marker = exitMarker(t);
    // an exit the agent caused (a kill, or an EXIT) is written on the journal's next tick
    this.journal.exited(t.logPath, marker.kind, marker.text, !!t.killSignal || t.exitRequested);
    // waiters remove themselves when called: each set is copied before it is walked, if not empty
    if (t.pending.size) for (const res of [...t.pending.values()]) res(null);
    if (t.connWaiters.size) for (const w of [...t.connWaiters]) w();
    if (t.launched) this.reportExit(t);
    if (t.exitWaiters.size) for (const w of [...t.exitWaiters]) w();
    this.sampler.forget(t.pid);
    this.exited.exited(t);
    // no rewrite of tasks.json for an exit: a restarted agent drops a dead task by its pid and
    // start time anyway, and 1,000 exits rewrote the whole table every 50 ms while they came
  }

  /** The 'exited' update of a launched task (a task that exits before its launch is reported is reported by launchOne). */
  reportExit(t: ProcTask): void {
    if (!t.exit || t.silent || this.stopped) return;
    if (t.exitAnswerBatch) return; // its EXIT answer carries the exit (exitBasicTasks)
    // the exit of a task of a kill batch the controller keeps: by position, while that batch is open
    if (t.killBatch && t.killPosition >= 0 && this.sink.exitsByPosition(t.killBatch)) {
      return this.sink.answeredExit(t.killBatch, t.killPosition, t.state, t.exit);
    }
    const fields: Record<string, string> = {};
    if (t.killReason) fields.reason = t.killReason;
    if (t.killBatch) fields.killed = 'true';
    this.sink.push(
      makeUpdate(t.id, 'exited', {
        state: t.state,
        ok: true,
        pid: t.pid,
        exit: t.exit,
        batchId: t.killBatch,
        logPath: t.logPath,
        // a task the agent itself signalled ended because it was told to: what it printed last
        // says nothing about why (and reading 1,000 log files was a fifth of a destroy's agent cpu)
        error:
          t.state === 'ERROR'
            ? taskError(t, this.node, 'TASK_FAILED', `task ${t.name} exited (${describeExit(t.exit)})`, { data: fields, withoutLastLines: !!t.killSignal })
            : undefined,
      }),
    );
  }

  /** The spawn helper died: its tasks are watched like adopted ones; later tasks are spawned by Node. */
  private helperLost(pids: number[]): void {
    this.spawner = null;
    const lost = new Set(pids);
    for (const t of this.tasks.values()) if (!t.exit && lost.has(t.pid)) t.child = null;
  }

  private rotateLogs(): void {
    // a task being killed is on its way out: its log is not worth a stat
    const live = [...this.tasks.values()].filter((t) => !t.exit && !t.killSignal);
    this.journal.rotatePass(
      live.map((t) => t.logPath),
      this.o.logMaxBytes,
    );
  }

  track<T>(p: Promise<T>): Promise<T> {
    const q = p.catch(() => undefined).finally(() => this.background.delete(q));
    this.background.add(q);
    return p;
  }

  // ---- Driver ----
  has(id: string): boolean {
    return this.tasks.has(id);
  }

  isLive(id: string): boolean {
    const t = this.tasks.get(id);
    return !!t && !t.exit;
  }

  forget(id: string): void {
    this.tasks.delete(id);
    this.exited.forget(id);
    this.persist();
  }

  count(): number {
    return this.tasks.size;
  }

  /**
   * Launches through a bounded pool: Node's spawn (used when there is no spawn helper) is
   * synchronous, so spawning a whole batch back to back starves the event loop (no heartbeat for
   * seconds: the controller then declares the agent down), and tasks that all start at once share
   * the cpu with the agent. At most LAUNCH_SLOTS tasks are between spawn and hello at once, and the
   * loop yields between spawns.
   */
  async launch(batchId: number, specs: LaunchSpec[], deadlineMs: number): Promise<void> {
    const deadlineAt = Date.now() + (deadlineMs || DEFAULT_LAUNCH_DEADLINE_MS);
    let next = 0;
    const reports: Promise<void>[] = [];
    const slot = async (): Promise<void> => {
      while (next < specs.length) {
        const s = specs[next++]!;
        await launchOne(this, batchId, s, deadlineAt, reports);
        await new Promise<void>((r) => setImmediate(r));
      }
    };
    await Promise.all(Array.from({ length: Math.min(LAUNCH_SLOTS, specs.length) }, slot));
    await Promise.all(reports); // every 'launched' update out before the batch is done
  }

  /** EXIT of basic tasks is one batched kill, everything else per task (transition.ts transitionBatch) */
  transition(batchId: number, event: TaskEvent, deadlineMs: number, items: TaskTransition[], positions?: readonly number[]): Promise<void> {
    return transitionBatch(this, batchId, event, deadlineMs, items, positions);
  }

  /** Kills the groups together (transition.ts killBatch: signal all, then wait for the exits). */
  kill(batchId: number, ids: string[], graded: boolean, reason: string, positions?: readonly number[]): Promise<void> {
    return killBatch(this, batchId, ids, graded, reason, positions);
  }

  reap(ids: string[]): void {
    const live: ProcTask[] = [];
    for (const id of ids) {
      const t = this.tasks.get(id);
      if (!t) continue;
      t.silent = true;
      this.tasks.delete(id);
      this.exited.forget(id);
      if (!t.exit) live.push(t);
    }
    if (live.length) this.track(killTaskGroups(this, 0, live, true, 'reaped'));
    this.persist();
  }

  taskInfos(): TaskInfo[] {
    return [...this.tasks.values()].map(taskInfo);
  }

  metrics(): TaskMetrics[] {
    const out: TaskMetrics[] = [];
    const pids: number[] = [];
    for (const t of this.tasks.values()) {
      if (t.exit) continue;
      // last refresh's figures (at most one heartbeat old); the next refresh reads /proc async
      const s = this.sampler.latest(t.pid);
      // a task being killed keeps its last figures: reading the /proc of 1,000 dying processes
      // took the cpu from the kill itself
      if (!t.killSignal) pids.push(t.pid);
      out.push({ taskId: t.id, cpu: s.cpu, rssBytes: s.rss, channels: t.counters });
    }
    void this.sampler.refresh(pids);
    return out;
  }

  async logs(id: string, req: LogRequest): Promise<void> {
    const t = this.tasks.get(id);
    if (!t) throw new BatonError('NOT_FOUND', `no task ${id} on node ${this.node}`, { taskId: id, node: this.node });
    await streamTaskLog(t.logPath, req, () => !!t.exit || this.tasks.get(id) !== t);
  }

  logFile(id: string): { path: string; complete: boolean } | null {
    const t = this.tasks.get(id);
    return t ? { path: t.logPath, complete: !!t.exit } : null;
  }

  async stop(killTasks: boolean): Promise<void> {
    if (killTasks) {
      await killTaskGroups(this, 0, [...this.tasks.values()], true, 'agent stopping');
    }
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const t of this.tasks.values()) {
      // tasks left running belong to the next agent now (it adopts them from tasks.json)
      t.child?.removeAllListeners('exit');
      t.conn?.end();
      for (const res of [...t.pending.values()]) res(null);
    }
    this.stateWriter.writeNow();
    this.journal.stop();
    const spawner = this.spawner;
    this.spawner = null;
    await spawner?.stop();
    await this.control?.stop();
    await Promise.all([...this.background]);
    this.groups.stop();
  }
}
