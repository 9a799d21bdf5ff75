// Nodes (agents) as the controller knows them: identity and labels from the Hello, load from
// heartbeats, and the resources its placed tasks hold.
import type { AgentLink } from './agents/link.js';
import type { TaskRuntime } from './model/task.js';
import type { EnvRuntime } from './model/env.js';

export class NodeRuntime {
  labels: Record<string, string> = {};
  host = '';
  pid = 0;
  sim = false;
  version = '';
  /** capacity from the Hello; 0 means not limited */
  cpuCap = 0;
  memCap = 0;
  portMin = 0;
  portMax = 0;
  up = false;
  /** has said Hello at least once since this controller started */
  synced = false;
  lastSeenMs = 0;
  lastHeartbeatMs = 0;
  cpu = 0;
  memUsed = 0;
  memTotal = 0;
  /** the node's one-minute load average (last heartbeat) */
  load1 = 0;
  /** held by placed tasks of live environments */
  usedCpu = 0;
  usedMem = 0;
  /** tasks placed here (live environments) */
  readonly tasks = new Set<TaskRuntime>();
  link: AgentLink | null = null;
  /** session lost within the agent-loss grace: its tasks are unreachable, not lost (0: not suspect) */
  suspectSinceMs = 0;
  suspectReason = '';
  graceTimer: NodeJS.Timeout | null = null;
  /** the environments marked degraded by this SUSPECT node */
  readonly suspectEnvs = new Set<EnvRuntime>();
  /** the agent refused this controller's session: why, and the controller it belongs to */
  refused = '';
  refusedOwner = '';
  /** the agent's event-loop delay from its last heartbeat (p99, ms) */
  loopLagMs = 0;
  stored = false;
  /** an entry of nodes.yaml (inventory/) */
  inInventory = false;
  /** refuses new placements, keeps what runs (baton node cordon) */
  cordoned = false;
  /** cordoned, and the operator waits for its environments to leave (baton node drain) */
  drained = false;
  addedMs = Date.now();

  constructor(
    public name: string,
    public address: string,
  ) {}

  get suspect(): boolean {
    return this.suspectSinceMs > 0;
  }

  assign(t: TaskRuntime): void {
    if (this.tasks.has(t)) return;
    this.tasks.add(t);
    this.usedCpu += t.spec.wants?.cpu ?? 0;
    this.usedMem += t.spec.wants?.memoryBytes ?? 0;
  }

  release(t: TaskRuntime): void {
    if (!this.tasks.delete(t)) return;
    this.usedCpu -= t.spec.wants?.cpu ?? 0;
    this.usedMem -= t.spec.wants?.memoryBytes ?? 0;
  }
}

export class NodeRegistry {
  readonly byName = new Map<string, NodeRuntime>();

  get(name: string): NodeRuntime | undefined {
    return this.byName.get(name);
  }

  byAddress(address: string): NodeRuntime | undefined {
    for (const n of this.byName.values()) if (n.address === address) return n;
    return undefined;
  }

  ensure(name: string, address: string): NodeRuntime {
    let n = this.byName.get(name);
    if (!n) {
      n = new NodeRuntime(name, address);
      this.byName.set(name, n);
    }
    return n;
  }

  delete(name: string): void {
    this.byName.delete(name);
  }

  all(): NodeRuntime[] {
    return [...this.byName.values()];
  }

  upCount(): number {
    let k = 0;
    for (const n of this.byName.values()) if (n.up) k++;
    return k;
  }
}
