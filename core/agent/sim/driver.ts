// The sim driver: a task is an entry in a table, no process. Transitions complete after
// SimSpec.delay_ms with fail_on / fail_rate / exit_after_ms injection. Built to carry ~150k tasks
// in a few OS processes: one timer per batch and delay (not per task), small per-task records,
// updates through the agent's batched outbox. Sim tasks are not in heartbeat metrics, have no
// log file, and are forgotten a minute after they exit.
import type { LaunchSpec, SimSpec, TaskInfo, TaskMetrics, TaskTransition } from '../../rpc/gen/agent.js';
import type { ExitInfo } from '../../rpc/gen/common.js';
import { BatonError } from '../../model/errors.js';
import { isTaskEvent, TASK_TRANSITION_TABLE, type TaskEvent, type TaskState } from '../../model/states.js';
import type { Driver, LogRequest } from '../driver.js';
import type { ResolvedOptions } from '../options.js';
import { errorDetail, exitInfo, makeUpdate, type UpdateSink } from '../updates.js';

const NONE: Readonly<Record<string, never>> = Object.freeze({});
const EXITED_RETENTION_MS = 60_000;
const SWEEP_MS = 10_000;

/** tasks whose transition completes at the same time, with their positions in the batch */
interface Completing {
  tasks: SimTask[];
  positions: number[];
}

interface SimTask {
  id: string;
  envId: string;
  name: string;
  state: TaskState;
  sim: SimSpec | undefined;
  ports: Record<string, number>;
  addresses: Record<string, string>;
  exit: ExitInfo | null;
  /** a transition of it has not completed yet (TaskInfo.busy in a Hello) */
  busy: boolean;
}

export class SimDriver implements Driver {
  readonly kind = 'sim' as const;
  private readonly tasks = new Map<string, SimTask>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextPort: number;
  /** exited tasks, oldest first: forgotten after EXITED_RETENTION_MS (nothing to read from them) */
  private exited: SimTask[] = [];
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly sink: UpdateSink,
  ) {
    this.nextPort = options.portMin;
  }

  private after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private err(t: { id: string; envId: string; name: string }, code: Parameters<typeof errorDetail>[0], message: string, extra: Record<string, unknown> = {}) {
    return errorDetail(code, message, { envId: t.envId, taskId: t.id, taskName: t.name, node: this.options.name, ...extra });
  }

  has(id: string): boolean {
    return this.tasks.has(id);
  }

  isLive(id: string): boolean {
    const t = this.tasks.get(id);
    return !!t && !t.exit;
  }

  forget(id: string): void {
    this.tasks.delete(id);
  }

  count(): number {
    return this.tasks.size;
  }

  private fakePort(): number {
    const p = this.nextPort;
    this.nextPort = p >= this.options.portMax ? this.options.portMin : p + 1;
    return p;
  }

  async launch(batchId: number, specs: LaunchSpec[], _deadlineMs = 0, positions?: readonly number[]): Promise<void> {
    const crashes = new Map<number, SimTask[]>();
    const byPosition = positions !== undefined && this.sink.answersByPosition(batchId);
    for (let i = 0; i < specs.length; i++) {
      const s = specs[i]!;
      if (!s.taskId || this.isLive(s.taskId)) {
        this.sink.push(
          makeUpdate(s.taskId, 'failed', {
            batchId,
            ok: false,
            state: 'ERROR',
            error: this.err(
              { id: s.taskId, envId: s.envId, name: s.name },
              'BAD_INPUT',
              s.taskId ? `task ${s.name} already runs on node ${this.options.name}` : 'a launch without a task id',
            ),
          }),
        );
        continue;
      }
      let ports: Record<string, number> = NONE;
      let addresses: Record<string, string> = NONE;
      if (s.binds.length) {
        ports = {};
        addresses = {};
        for (const b of s.binds) {
          if (b.transport === 'unix') addresses[b.name] = `unix://${this.options.dir}/sock/${s.taskId.replace(/[^A-Za-z0-9._-]/g, '_')}.${b.name}.sock`;
          else {
            ports[b.name] = this.fakePort();
            addresses[b.name] = `tcp://${this.options.host}:${ports[b.name]}`;
          }
        }
      }
      const t: SimTask = { id: s.taskId, envId: s.envId, name: s.name, state: 'STANDBY', sim: s.sim, ports, addresses, exit: null, busy: false };
      this.tasks.set(t.id, t);
      // a launch with nothing to say but STANDBY (no ports, no addresses) is a plain answer
      if (byPosition && ports === NONE && addresses === NONE) this.sink.answered(batchId, positions[i]!, 'STANDBY');
      else this.sink.push(makeUpdate(t.id, 'launched', { batchId, ok: true, state: 'STANDBY', ports, addresses, host: this.options.host }));
      const crashMs = s.sim?.exitAfterMs ?? 0;
      if (crashMs > 0) {
        const list = crashes.get(crashMs);
        if (list) list.push(t);
        else crashes.set(crashMs, [t]);
      }
    }
    for (const [ms, list] of crashes) {
      this.after(ms, () => {
        for (const t of list) if (this.tasks.get(t.id) === t && !t.exit) this.exitTask(t, 1, '', 0);
      });
    }
  }

  /** position >= 0: the task is named by its item's position in batch batchId (TaskUpdate.position) */
  private exitTask(t: SimTask, code: number, signal: string, batchId: number, position = -1): void {
    const exit = this.recordExit(t, code, signal);
    t.state = code === 0 && !signal ? 'DONE' : 'ERROR';
    this.sink.push(
      makeUpdate(position >= 0 ? '' : t.id, 'exited', {
        batchId,
        position: position >= 0 ? position : undefined,
        ok: true,
        state: t.state,
        exit,
        error:
          t.state === 'ERROR'
            ? this.err(t, 'TASK_FAILED', `task ${t.name} exited (${signal ? `killed by ${signal}` : `exit code ${code}`}, simulated)`, {
                exitCode: signal ? -1 : code,
                signal: signal || undefined,
              })
            : undefined,
      }),
    );
  }

  /** the task's simulated process has exited: kept readable until swept */
  private recordExit(t: SimTask, code: number, signal: string): ExitInfo {
    t.exit = exitInfo(signal ? null : code, signal || null);
    this.exited.push(t);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
      this.sweeper.unref();
    }
    return t.exit;
  }

  transition(batchId: number, event: TaskEvent, deadlineMs: number, items: TaskTransition[], positions?: readonly number[]): Promise<void> {
    if (!isTaskEvent(event)) return Promise.reject(new BatonError('BAD_INPUT', `unknown task event ${event}`));
    // items grouped by when they complete: one timer per group
    const groups = new Map<number, Completing>();
    for (let i = 0; i < items.length; i++) {
      const t = this.tasks.get(items[i]!.taskId)!;
      t.busy = true;
      const delay = t.sim?.delayMs ?? 0;
      const at = deadlineMs > 0 && delay > deadlineMs ? deadlineMs : delay;
      const position = positions ? positions[i]! : -1;
      const g = groups.get(at);
      if (g) {
        g.tasks.push(t);
        g.positions.push(position);
      } else groups.set(at, { tasks: [t], positions: [position] });
    }
    const rule = TASK_TRANSITION_TABLE[event];
    return new Promise((resolve) => {
      let left = groups.size;
      if (!left) return resolve();
      for (const [at, g] of groups) {
        this.after(at, () => {
          // by position only to the session the batch came on (asked when answering: a new
          // controller since knows the tasks by id only); an EXIT's answers carry their exits
          // there when that controller reads them
          const byPosition = positions !== undefined && this.sink.answersByPosition(batchId);
          const withExits = event === 'EXIT' && byPosition && this.sink.exitsByPosition(batchId);
          // every answer first, then the exits of EXIT: the answers stay one group by position
          // (an exit between two answers would cut it), and each task's exit still comes after
          // its answer. By position, an exit names its task by the EXIT item's position; with
          // exits in columns, each answer carries its exit and none follows apart.
          const exits: number[] = [];
          for (let i = 0; i < g.tasks.length; i++) {
            const position = byPosition ? g.positions[i]! : -1;
            if (this.complete(g.tasks[i]!, batchId, position, event, rule, deadlineMs, withExits) && event === 'EXIT' && !withExits) exits.push(i);
          }
          for (const i of exits) this.exitTask(g.tasks[i]!, 0, '', byPosition ? batchId : 0, byPosition ? g.positions[i]! : -1);
          if (--left === 0) resolve();
        });
      }
    });
  }

  /**
   * Answers one item (by position when position >= 0 and all went well); true when it did what was
   * asked. `withExit` (an EXIT, by position): the task's exit is recorded and goes with its answer.
   */
  private complete(
    t: SimTask,
    batchId: number,
    position: number,
    event: TaskEvent,
    rule: { from: readonly TaskState[]; to: TaskState },
    deadlineMs: number,
    withExit = false,
  ): boolean {
    t.busy = false;
    if (t.exit)
      return this.refuse(
        t,
        batchId,
        this.err(t, 'TASK_FAILED', `task ${t.name} has exited (simulated)`, { transition: event, exitCode: t.exit.code, signal: t.exit.signal || undefined }),
      );
    const delay = t.sim?.delayMs ?? 0;
    if (deadlineMs > 0 && delay > deadlineMs) {
      return this.refuse(
        t,
        batchId,
        this.err(t, 'TIMEOUT', `task ${t.name} did not answer ${event} within ${deadlineMs} ms; it is still alive (simulated)`, {
          transition: event,
          data: { alive: 'true' },
        }),
      );
    }
    if (!rule.from.includes(t.state)) {
      return this.refuse(t, batchId, this.err(t, 'TRANSITION_NOT_ALLOWED', `task ${t.name}: ${event} is not allowed from ${t.state}`, { transition: event }));
    }
    const sim = t.sim;
    if (sim && (sim.failOn === event || (sim.failRate > 0 && Math.random() < sim.failRate))) {
      t.state = 'ERROR';
      return this.refuse(t, batchId, this.err(t, 'TASK_FAILED', `task ${t.name} failed ${event} (simulated failure)`, { transition: event }));
    }
    t.state = rule.to;
    if (position >= 0 && withExit) this.sink.answeredExit(batchId, position, t.state, this.recordExit(t, 0, ''));
    else if (position >= 0) this.sink.answered(batchId, position, t.state);
    else this.sink.push(makeUpdate(t.id, 'state', { batchId, ok: true, state: t.state }));
    return true;
  }

  private refuse(t: SimTask, batchId: number, error: ReturnType<typeof errorDetail>): false {
    this.sink.push(makeUpdate(t.id, 'state', { batchId, ok: false, state: t.state, error }));
    return false;
  }

  private sweep(): void {
    const before = Date.now() - EXITED_RETENTION_MS;
    let i = 0;
    for (; i < this.exited.length && this.exited[i]!.exit!.timeMs < before; i++) {
      const t = this.exited[i]!;
      if (this.tasks.get(t.id) === t) this.tasks.delete(t.id);
    }
    if (i) this.exited = this.exited.slice(i);
    if (!this.exited.length && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  async kill(batchId: number, ids: string[], graded: boolean): Promise<void> {
    for (const id of ids) {
      const t = this.tasks.get(id);
      if (t && !t.exit) this.exitTask(t, 0, graded ? '' : 'SIGKILL', batchId);
    }
  }

  reap(ids: string[]): void {
    for (const id of ids) this.tasks.delete(id);
  }

  taskInfos(): TaskInfo[] {
    const out: TaskInfo[] = [];
    for (const t of this.tasks.values()) {
      out.push({
        taskId: t.id,
        envId: t.envId,
        name: t.name,
        state: t.state,
        pid: 0,
        driver: 'sim',
        ports: t.ports,
        logPath: '',
        exit: t.exit ?? undefined,
        addresses: t.addresses,
        busy: t.busy,
      });
    }
    return out;
  }

  metrics(): TaskMetrics[] {
    return [];
  }

  async logs(id: string, req: LogRequest): Promise<void> {
    const t = this.tasks.get(id);
    if (!t) throw new BatonError('NOT_FOUND', `no task ${id} on node ${this.options.name}`, { taskId: id, node: this.options.name });
    const line = `${t.name}: simulated task (no process, no log file); state ${t.state}`;
    req.send(!req.grep || line.includes(req.grep) ? [line] : [], 0, true);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }
}
