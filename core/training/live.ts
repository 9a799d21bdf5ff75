// What a walkthrough looks at: the environment (with its tasks), the nodes, and the events since
// the walkthrough began (one Subscribe stream, kept for the whole walkthrough).
import type { ControlConnection } from '../rpc/control-client.js';
import type { Environment, Event, Node } from '../rpc/gen/control.js';

export interface LiveView {
  env: Environment;
  nodes: Node[];
  /** the last run number this environment had (open or closed), 0 if none */
  lastRun: number;
}

export class Live {
  readonly events: Event[] = [];
  private stream: { cancel(): void } | null = null;
  lastRun = 0;

  constructor(
    readonly control: ControlConnection,
    readonly envId: string,
  ) {}

  /** follows the environment's events (and the audit trail) from now on */
  follow(): void {
    const s = this.control.stream('subscribe', { fromSeq: 0, envId: '', kinds: [], replayAll: false });
    s.on('data', (batch: { events: Event[] }) => {
      for (const e of batch.events) if (e.envId === this.envId || e.kind === 'audit' || e.kind.startsWith('node.')) this.events.push(e);
    });
    s.on('error', () => {});
    this.stream = s;
  }

  async view(): Promise<LiveView> {
    const [env, nodes] = await Promise.all([
      this.control.call('getEnvironment', { id: this.envId, withTasks: true, withTree: false }),
      this.control.call('listNodes', {}).then((r) => r.nodes),
    ]);
    if (env.runNumber) this.lastRun = env.runNumber;
    return { env, nodes, lastRun: this.lastRun };
  }

  stop(): void {
    this.stream?.cancel();
  }
}
