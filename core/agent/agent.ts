// One node agent: routes controller commands to its drivers (process, sim), answers every item
// through the batched outbox, closes each batch with BatchDone, sends Hello and heartbeats.
import type { ControllerMsg, Heartbeat, Hello, KillBatch, LaunchBatch, LaunchSpec, TaskTransition, TransitionBatch, Welcome } from '../rpc/gen/agent.js';
import { isTaskEvent, TASK_EVENTS } from '../model/states.js';
import type { Driver } from './driver.js';
import type { ResolvedOptions } from './options.js';
import { Outbox } from './outbox.js';
import { ProcessDriver } from './process/driver.js';
import { nodeMetrics } from './process/metrics.js';
import { SimDriver } from './sim/driver.js';
import { errorDetail, makeUpdate } from './updates.js';
import { LoopLagMonitor } from './loop-lag.js';
import { Ownership, type Claim } from './owner.js';

export const AGENT_VERSION = '0.1.0';
const HEARTBEAT_MS = 1000;
/** the longest an agent waits for its adopted tasks' re-dials before its Hello (the SDKs re-dial at least every 2 s) */
const HELLO_WAIT_MS = 2500;

function unknownEventMessage(event: string): string {
  const why = event === 'RECOVER' ? ": a task is never sent RECOVER (the environment's RECOVER relaunches tasks in ERROR; see task.proto)" : '';
  return `unknown task event ${JSON.stringify(event)} (${TASK_EVENTS.join(', ')})${why}`;
}

/** a batch's items for one driver, with their positions in the batch (answers by position) */
interface Group<T> {
  items: T[];
  positions: number[];
}

function addTo<T>(groups: Map<Driver, Group<T>>, d: Driver, item: T, position: number): void {
  const g = groups.get(d);
  if (g) {
    g.items.push(item);
    g.positions.push(position);
  } else groups.set(d, { items: [item], positions: [position] });
}

export interface SessionLike {
  write(msg: Parameters<Outbox['send']>[0]): void;
  end(): void;
}

export class Agent {
  readonly outbox = new Outbox();
  readonly process: ProcessDriver | null;
  readonly sim: SimDriver;
  private session: SessionLike | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  readonly ownership: Ownership;
  private readonly loopLag = new LoopLagMonitor();
  /** the last heartbeat sent (null: none yet): the metrics endpoint (metrics.ts) reads its figures
   *  rather than sampling /proc a second time */
  lastHeartbeat: Heartbeat | null = null;

  constructor(readonly options: ResolvedOptions) {
    this.sim = new SimDriver(options, this.outbox);
    this.process = options.sim ? null : new ProcessDriver(options, this.outbox);
    this.ownership = new Ownership(options.sim ? null : options.dir, options.name);
  }

  async start(): Promise<void> {
    await this.process?.start();
    this.loopLag.start();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  private drivers(): Driver[] {
    return this.process ? [this.process, this.sim] : [this.sim];
  }

  find(taskId: string): Driver | null {
    for (const d of this.drivers()) if (d.has(taskId)) return d;
    return null;
  }

  taskCount(): number {
    return this.drivers().reduce((n, d) => n + d.count(), 0);
  }

  // ---- sessions: one controller at a time. A session counts from its Welcome, and only the owning
  // controller's (or an explicit takeover's): it then replaces (and ends) an older one ----
  private attach(s: SessionLike): void {
    const old = this.session;
    this.session = s;
    this.outbox.setWriter(null); // nothing goes out before the Hello
    if (old && old !== s) old.end();
  }

  detach(s: SessionLike): void {
    if (this.session !== s) return;
    this.session = null;
    this.outbox.setWriter(null);
  }

  /** a controller's session is attached */
  get connected(): boolean {
    return this.session !== null;
  }

  isCurrent(s: SessionLike): boolean {
    return this.session === s;
  }

  /** On Welcome: the session is claimed for its controller (throws ALREADY_OWNED for another
   *  controller's: the current session goes on untouched), then the Hello (a snapshot of every
   *  task) and updates flow. */
  welcome(s: SessionLike, w: Welcome): void {
    if (this.stopped) return;
    const claim = this.ownership.claim(w.controllerId, w.takeOver);
    if (claim.takenFrom) console.error(`agent ${this.options.name}: taken over by controller ${claim.owner} from ${claim.takenFrom}`);
    this.attach(s);
    void this.helloWhenSure(s, claim, w);
  }

  /**
   * The Hello, once every adopted controlled task has re-dialled (bounded by HELLO_WAIT_MS): a
   * controlled task's state in tasks.json is not rewritten on its replies, so until its re-dial
   * hello says where it is, the state this agent knows may be one it has left. A controller
   * acting on it (RECOVER after a node came back) sent RESET to a RUNNING task (found by the
   * chaos suite).
   */
  private async helloWhenSure(s: SessionLike, claim: Claim, w: Welcome): Promise<void> {
    await Promise.all(this.drivers().map((d) => d.reconnected?.(HELLO_WAIT_MS)));
    if (this.stopped || this.session !== s) return;
    s.write({ msg: { $case: 'hello', hello: this.hello(claim) } });
    // answers by position only to a controller that said it understands them, and with exits
    // only to one that reads them (an older controller during `baton node upgrade` gets
    // TaskUpdates, as before)
    this.outbox.setWriter((m) => s.write(m), w.batchAnswers, w.batchExits);
  }

  hello(claim: Claim = { owner: this.ownership.current(), takenFrom: '' }): Hello {
    const options = this.options;
    return {
      node: options.name,
      host: options.host,
      labels: options.labels,
      resources: { cpu: options.cpu, memoryBytes: options.memoryBytes, portMin: options.portMin, portMax: options.portMax },
      tasks: this.drivers().flatMap((d) => d.taskInfos()),
      pid: process.pid,
      version: AGENT_VERSION,
      sim: options.sim,
      owner: claim.owner,
      takenFrom: claim.takenFrom,
    };
  }

  private heartbeat(): void {
    if (!this.session || this.stopped) return;
    const m = nodeMetrics();
    const lag = this.loopLag.read();
    const hb: Heartbeat = {
      timeMs: Date.now(),
      cpu: m.cpu,
      memUsed: m.memUsed,
      memTotal: m.memTotal,
      load1: m.load1,
      tasks: this.drivers().flatMap((d) => d.metrics()),
      loopLagP99Ms: lag.p99Ms,
      loopLagMaxMs: lag.maxMs,
    };
    this.outbox.send({ msg: { $case: 'heartbeat', heartbeat: hb } });
    this.lastHeartbeat = hb;
  }

  // ---- commands ----
  handle(msg: ControllerMsg): void {
    const m = msg.msg;
    if (!m || this.stopped) return;
    const run = (p: Promise<void>, batchId: number) =>
      p
        .catch((e) => console.error(`agent ${this.options.name}: batch ${batchId} failed: ${(e as Error).stack ?? e}`))
        .finally(() => this.outbox.batchDone(batchId));
    switch (m.$case) {
      case 'launch':
        this.outbox.opened(m.launch.batchId);
        return void run(this.launch(m.launch), m.launch.batchId);
      case 'transition':
        this.outbox.opened(m.transition.batchId);
        return void run(this.transition(m.transition), m.transition.batchId);
      case 'kill':
        // exits by position only for a kill batch the controller keeps (it says so)
        if (m.kill.exitsByPosition) this.outbox.opened(m.kill.batchId);
        return void run(this.kill(m.kill), m.kill.batchId);
      case 'reap':
        for (const id of m.reap.taskIds) this.find(id)?.reap([id]);
        return;
      default:
        return; // welcome is handled by the session; ping needs no answer
    }
  }

  private async launch(b: LaunchBatch): Promise<void> {
    const groups = new Map<Driver, Group<LaunchSpec>>();
    for (let position = 0; position < b.tasks.length; position++) {
      const s = b.tasks[position]!;
      let d: Driver | null = null;
      if (this.options.sim || s.driver === 'sim') d = this.sim;
      else if (s.driver === '' || s.driver === 'process') d = this.process;
      if (!d) {
        this.outbox.push(
          makeUpdate(s.taskId, 'failed', {
            batchId: b.batchId,
            ok: false,
            state: 'ERROR',
            error: errorDetail('BAD_INPUT', `task ${s.name}: unknown driver ${s.driver} (process or sim)`, {
              taskId: s.taskId,
              taskName: s.name,
              envId: s.envId,
              node: this.options.name,
              where: 'driver',
            }),
          }),
        );
        continue;
      }
      // the same id on the other driver: refused while it lives, replaced once it has exited
      const other = this.find(s.taskId);
      if (other && other !== d) {
        if (other.isLive(s.taskId)) {
          this.outbox.push(
            makeUpdate(s.taskId, 'failed', {
              batchId: b.batchId,
              ok: false,
              state: 'ERROR',
              error: errorDetail('BAD_INPUT', `task ${s.name} already runs on node ${this.options.name}`, {
                taskId: s.taskId,
                taskName: s.name,
                node: this.options.name,
              }),
            }),
          );
          continue;
        }
        other.forget(s.taskId);
      }
      addTo(groups, d, s, position);
    }
    await Promise.all([...groups].map(([d, g]) => d.launch(b.batchId, g.items, b.deadlineMs, g.positions)));
  }

  private async transition(b: TransitionBatch): Promise<void> {
    const event = b.event;
    const groups = new Map<Driver, Group<TaskTransition>>();
    for (let position = 0; position < b.items.length; position++) {
      const it = b.items[position]!;
      const d = isTaskEvent(event) ? this.find(it.taskId) : null;
      if (!d) {
        const error = isTaskEvent(event)
          ? errorDetail('NOT_FOUND', `no task ${it.taskId} on node ${this.options.name}`, { taskId: it.taskId, node: this.options.name, transition: event })
          : errorDetail('BAD_INPUT', unknownEventMessage(event), { taskId: it.taskId, node: this.options.name, where: 'event' });
        this.outbox.push(makeUpdate(it.taskId, 'state', { batchId: b.batchId, ok: false, error }));
        continue;
      }
      addTo(groups, d, it, position);
    }
    if (!isTaskEvent(event)) return;
    await Promise.all([...groups].map(([d, g]) => d.transition(b.batchId, event, b.deadlineMs, g.items, g.positions)));
  }

  private async kill(b: KillBatch): Promise<void> {
    const groups = new Map<Driver, Group<string>>();
    for (let position = 0; position < b.taskIds.length; position++) {
      const id = b.taskIds[position]!;
      const d = this.find(id);
      if (d) addTo(groups, d, id, position);
    }
    await Promise.all([...groups].map(([d, g]) => d.kill(b.batchId, g.items, b.graded, b.reason, g.positions)));
  }

  async stop(killTasks: boolean): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.loopLag.stop();
    await this.process?.stop(killTasks);
    await this.sim.stop();
    this.stopped = true;
    this.outbox.flush();
    this.outbox.close();
    const s = this.session;
    this.session = null;
    s?.end();
  }
}
