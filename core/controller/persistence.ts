// Write-behind of tasks and environments: changes mark objects dirty; a timer (and the end of
// every transition) writes them in big transactions. Large flushes are cut into chunks with a
// yield between them so that the event loop (agent sessions, RPCs) keeps breathing.
import type { Store, TaskRecord } from '../store/store.js';
import type { EnvRuntime } from './model/env.js';
import type { TaskRuntime } from './model/task.js';
import { FlushTimer } from '../model/flush-timer.js';

const FLUSH_MS = 100;
/** the transition name of a destroy's context (environments.ts destroyEnvironment) */
const DESTROY = 'DESTROY';
const CHUNK = 5000;
/**
 * Dirty task rows from which they are written at the end of the turn rather than after FLUSH_MS:
 * the rows of a transition of many tasks are written as the answers come, not all before its reply.
 */
const FLUSH_BURST = 500;
/**
 * A task's dirty kind (TaskRuntime.dirty): only its exit changed (state, lost flag, exit), which
 * the store writes as those columns (Store.putTaskExits), or anything did and the row is written
 * whole. Whole wins: a row queued whole stays whole when its exit comes.
 */
const EXIT_ONLY = 1;
const WHOLE = 2;

export function taskRecord(t: TaskRuntime): TaskRecord {
  return {
    id: t.id,
    envId: t.env.id,
    name: t.name,
    state: t.state,
    node: t.node,
    pid: t.pid,
    lost: t.lost,
    exit: t.exit,
    ports: t.ports,
    logPath: t.logPath,
    host: t.host,
    error: t.error,
    addresses: t.addresses,
  };
}

export function envPatch(e: EnvRuntime) {
  return {
    name: e.name,
    workflow: e.workflow,
    state: e.state,
    runNumber: e.runNumber,
    owner: e.owner,
    createdMs: e.createdMs,
    updatedMs: e.updatedMs,
    vars: e.vars,
    repo: e.repo,
    revision: e.revision,
    error: e.error,
    destroyed: e.destroyed,
  };
}

export class Persister {
  private tasks = new Set<TaskRuntime>();
  private envs = new Set<EnvRuntime>();
  /** environments whose task states changed: one state vector write each */
  private states = new Set<EnvRuntime>();
  private readonly due = new FlushTimer(FLUSH_MS, () => void this.flush());
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly store: Store) {}

  /** the task record changed (pid, ports, error...): a row write */
  task(t: TaskRuntime): void {
    this.mark(t, WHOLE);
  }

  /**
   * Only its exit changed (with the state and lost flag that go with it): the row's other columns
   * (ports, addresses, error, log path...) are as last written, so only these are written.
   */
  taskExit(t: TaskRuntime): void {
    this.mark(t, EXIT_ONLY);
  }

  private mark(t: TaskRuntime, kind: typeof EXIT_ONLY | typeof WHOLE): void {
    this.states.add(t.env); // lost flags travel in the vector
    const was = t.dirty;
    if (was >= kind) return;
    t.dirty = kind;
    if (was) return; // queued already, now as a whole row
    this.tasks.add(t);
    if (this.tasks.size >= FLUSH_BURST) this.due.soon();
    else this.due.later();
  }

  /** only its state or lost flag changed: covered by its environment's state vector */
  taskState(t: TaskRuntime): void {
    this.states.add(t.env);
    this.due.later();
  }

  env(e: EnvRuntime): void {
    this.envs.add(e);
    this.due.later();
  }

  /** Forget queued writes of a destroyed environment's tasks (its rows are being deleted). */
  dropEnv(e: EnvRuntime): void {
    for (const t of e.tasks)
      if (t.dirty) {
        t.dirty = 0;
        this.tasks.delete(t);
      }
    this.states.delete(e);
  }

  flush(): Promise<void> {
    this.chain = this.chain
      .then(() => this.flushNow())
      .catch((err) => {
        console.error(`baton controller: write-behind failed: ${(err as Error).message}`);
      });
    return this.chain;
  }

  async close(): Promise<void> {
    await this.flush();
    this.due.stop();
  }

  private async flushNow(): Promise<void> {
    const envs = [...this.envs];
    this.envs.clear();
    for (const e of envs) await this.store.patchEnvironment(e.id, envPatch(e));
    const states = [...this.states];
    this.states.clear();
    for (const e of states) {
      if (!e.destroyed) await this.store.putTaskStateVector(e.id, e.stateVector());
    }
    // rows of an environment being destroyed wait: the destroy deletes them when it ends (dropEnv),
    // and writing 1,000 exits to delete them a moment later was a quarter of a destroy's
    // controller cpu; if the destroy fails they are written by the next flush
    const destroying: TaskRuntime[] = [];
    while (this.tasks.size) {
      const rows: TaskRecord[] = [];
      const exits: TaskRecord[] = [];
      for (const t of this.tasks) {
        this.tasks.delete(t);
        if (t.env.ctx?.transition === DESTROY) {
          destroying.push(t);
          continue;
        }
        const kind = t.dirty;
        t.dirty = 0;
        if (!t.env.destroyed) (kind === EXIT_ONLY ? exits : rows).push(taskRecord(t));
        if (rows.length + exits.length >= CHUNK) break;
      }
      if (rows.length) await this.store.putTasks(rows);
      if (exits.length) await this.store.putTaskExits(exits);
      if (this.tasks.size) await new Promise((r) => setImmediate(r));
    }
    for (const t of destroying) if (t.dirty) this.tasks.add(t);
    if (this.tasks.size) this.due.later();
  }
}
