// What a walkthrough looks at: the environment (with its tasks), the nodes, and the events since
// the walkthrough began (one Subscribe stream, kept for the whole walkthrough, followed again
// after a controller restart from the last event seen).
import { setTimeout as sleep } from 'node:timers/promises';
import { toBatonError } from '../model/errors.js';
import type { ControlConnection } from '../rpc/control-client.js';
import type { Environment, Event, Node } from '../rpc/gen/control.js';
import { clusterView, type ClusterView } from './leader.js';

export interface LiveView {
  env: Environment;
  nodes: Node[];
  /** the last run number this environment had (open or closed), 0 if none */
  lastRun: number;
  /** false when the controller did not answer: env and nodes are then the last ones seen */
  controllerUp: boolean;
  /** the user the walkthrough acts as (the trainee's own) */
  me: string;
  /** the node each role's task was last seen on (a task gone with its environment keeps its node) */
  placed: Readonly<Record<string, string>>;
  /** a cluster stack's leader and followers (leader.ts); absent on a stack of one controller */
  cluster?: ClusterView;
}

/** failures that mean the controller is not there (dead, restarting), not a bad request */
const DOWN = new Set(['UNAVAILABLE', 'TIMEOUT', 'DEADLINE_EXCEEDED', 'CANCELLED', 'NOT_LEADER']);

export class Live {
  readonly events: Event[] = [];
  private stream: { cancel(): void } | null = null;
  private stopped = false;
  private lastSeq = 0;
  private last: LiveView | null = null;
  private me = '';
  private readonly placed: Record<string, string> = {};
  lastRun = 0;

  constructor(
    readonly control: ControlConnection,
    readonly envId: string,
    /** the home of a local cluster stack: the view then says who leads */
    private readonly clusterHome?: string,
  ) {}

  /** follows the environment's events (and the audit trail) from now on, again after a break */
  follow(): void {
    if (this.stopped) return;
    const s = this.control.stream('subscribe', { fromSeq: this.lastSeq, envId: '', kinds: [], replayAll: false });
    let broken = false;
    const again = () => {
      if (broken) return;
      broken = true;
      if (!this.stopped) void sleep(500).then(() => this.follow());
    };
    s.on('data', (batch: { events: Event[] }) => {
      for (const e of batch.events) {
        if (Number(e.seq) <= this.lastSeq) continue;
        this.lastSeq = Number(e.seq);
        if (e.envId === this.envId || e.kind === 'audit' || e.kind.startsWith('node.')) this.events.push(e);
      }
    });
    s.on('error', again);
    s.on('end', again);
    this.stream = s;
  }

  async view(): Promise<LiveView> {
    try {
      if (!this.me) this.me = (await this.control.call('whoAmI', {})).user;
      const [env, nodes, cluster] = await Promise.all([
        this.control.call('getEnvironment', { id: this.envId, withTasks: true, withTree: false }),
        this.control.call('listNodes', {}).then((r) => r.nodes),
        this.clusterHome ? clusterView(this.control, this.clusterHome, this.last?.cluster?.firstLeader ?? '') : undefined,
      ]);
      if (env.runNumber) this.lastRun = env.runNumber;
      for (const t of env.tasks) if (t.node) this.placed[t.role || t.name] = t.node;
      this.last = { env, nodes, lastRun: this.lastRun, controllerUp: true, me: this.me, placed: this.placed, cluster };
      return this.last;
    } catch (e) {
      // a dead controller is something a walkthrough watches (and the trainee repairs)
      if (!this.last || !DOWN.has(toBatonError(e).code)) throw e;
      return { ...this.last, controllerUp: false };
    }
  }

  stop(): void {
    this.stopped = true;
    this.stream?.cancel();
  }
}
