// The controller's shared state: in-memory maps are the source of truth; the store is written
// behind. Feature modules (environments, transitions, agents, faults...) are functions over this.
import type { Store } from '../store/store.js';
import type { WorkflowLoader } from '../workflow/types.js';
import type { ResolvedPolicy } from '../workflow/policy.js';
import type { TaskState } from '../model/states.js';
import { EventBus, type EventInput } from './events/bus.js';
import { Persister } from './persistence.js';
import { NodeRegistry, type NodeRuntime } from './nodes.js';
import type { AgentLink } from './agents/link.js';
import type { EnvRuntime } from './model/env.js';
import type { TaskRuntime } from './model/task.js';
import type { TaskOp, OpBatch } from './transitions/op.js';
import { UserRegistry } from './auth/users.js';
import { ClaimRegistry } from './locks/registry.js';
import type { EventSinks } from './sinks/index.js';
import { NodeInventory } from './inventory/index.js';

export interface ControllerConfig {
  home: string;
  token?: string;
  defaultTimeoutMs: number;
  heartbeatTimeoutMs: number;
  /** a node whose session breaks is SUSPECT this long before its tasks are lost (0: lost at once) */
  agentLossGraceMs: number;
  /** environments with more included tasks than this get one task.state event per agent batch, not per task */
  taskEventLimit: number;
  /** events a slow subscriber may fall behind before it is cut off */
  subscriberMaxQueued: number;
  root: string;
  /** what templates may do (docs/security.md); hooks are checked against it again when they run */
  templatePolicy: ResolvedPolicy;
  /** the configured template repos, the shipped one included */
  templateRepos: string[];
  /** started for training (GetInfo.training) */
  training: boolean;
}

export class ControllerCore {
  readonly startedMs = Date.now();
  readonly events: EventBus;
  readonly persist: Persister;
  readonly nodes = new NodeRegistry();
  /** agent address -> link */
  readonly links = new Map<string, AgentLink>();
  readonly envs = new Map<string, EnvRuntime>();
  readonly tasks = new Map<string, TaskRuntime>();
  /** the users table, in memory (auth/users.ts); loaded at start */
  readonly users: UserRegistry;
  /** what environments claim exclusively (locks/claims.ts) */
  readonly claims = new ClaimRegistry();
  /** nodes.yaml (inventory/): the nodes operators keep, with their cordon and drain (main.ts
   *  sets the one it loaded before opening the store) */
  inventory: NodeInventory;
  /** batches awaiting answers: batch id -> its op */
  readonly batches = new Map<number, { op: TaskOp; batch: OpBatch }>();
  private batchSeq = 0;
  stopping = false;
  address = '';
  /** the event sinks (sinks/index.ts), when configured; their status goes into GetInfo */
  eventSinks: EventSinks | null = null;

  constructor(
    readonly id: string,
    readonly cfg: ControllerConfig,
    readonly store: Store,
    readonly loader: WorkflowLoader,
  ) {
    this.events = new EventBus(store);
    this.persist = new Persister(store);
    this.users = new UserRegistry(store);
    this.inventory = NodeInventory.forHome(cfg.home);
  }

  newBatchId(): number {
    return ++this.batchSeq;
  }

  emit(e: EventInput): void {
    this.events.emit(e);
  }

  /** per-task events for this environment, or summaries (150k-task environments) */
  perTaskEvents(env: EnvRuntime): boolean {
    return env.active.length <= this.cfg.taskEventLimit;
  }

  /**
   * Sets a task's state with counts, tree, write-behind and (small environments) an event; no
   * event when the caller emits one that carries the state (`withEvent` false: an exit's task.exit).
   */
  setTaskState(t: TaskRuntime, state: TaskState, message = '', withEvent = true): void {
    if (!t.env.setTaskState(t, state)) return;
    this.persist.taskState(t);
    if (withEvent && this.perTaskEvents(t.env)) {
      this.emit({ kind: 'task.state', envId: t.env.id, taskId: t.id, node: t.node, state, message, data: { name: t.name } });
    }
  }

  envTouched(env: EnvRuntime): void {
    env.updatedMs = Date.now();
    this.persist.env(env);
  }

  nodeOf(t: TaskRuntime): NodeRuntime | undefined {
    return this.nodes.get(t.node);
  }

  opOf(t: TaskRuntime): TaskOp | undefined {
    return t.waitBatch ? this.batches.get(t.waitBatch)?.op : undefined;
  }
}
