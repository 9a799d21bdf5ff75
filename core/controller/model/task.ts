// One task as the controller knows it: the source of truth is this object in memory; the store
// gets a copy written behind (persistence.ts).
import type { TaskSpec } from '../../workflow/types.js';
import type { TaskState } from '../../model/states.js';
import type { ErrorDetailLike } from '../../model/errors.js';
import type { ChannelCounter, ExitInfo } from '../../rpc/gen/common.js';
import type { EnvRuntime } from './env.js';

const NO_PORTS: Record<string, number> = Object.freeze({}) as Record<string, number>;
const NO_ADDRS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_COUNTERS: ChannelCounter[] = Object.freeze([]) as unknown as ChannelCounter[];

export class TaskRuntime {
  /** its position in its environment's tasks (and state vector) */
  index = -1;
  /** role-tree leaf index, -1 when the tree has no leaf for it */
  leaf = -1;
  included = true;
  node = '';
  /** a process (or sim task) exists for it on its agent: launched and not yet exited */
  launched = false;
  pid = 0;
  host = '';
  logPath = '';
  ports: Record<string, number> = NO_PORTS;
  addresses: Record<string, string> = NO_ADDRS;
  exit: ExitInfo | null = null;
  error: ErrorDetailLike | null = null;
  cpu = 0;
  rss = 0;
  counters: ChannelCounter[] = NO_COUNTERS;
  /** the batch this task owes an answer to (0: none). Per-task field, not a per-task promise. */
  waitBatch = 0;
  /** times its restart policy relaunched it (restarts/runner.ts) */
  restarts = 0;
  /**
   * its record is queued for the write-behind (states go in the environment's vector): 0 not,
   * 1 only its exit (state, lost flag, exit: persistence.ts EXIT_ONLY), 2 the whole row
   */
  dirty: 0 | 1 | 2 = 0;

  constructor(
    readonly id: string,
    readonly spec: TaskSpec,
    readonly env: EnvRuntime,
  ) {}

  /** its state: kept in its environment's task-state vector (EnvRuntime.setTaskState changes it) */
  get state(): TaskState {
    return this.env.taskStateAt(this.index);
  }
  /** its agent is away (EnvRuntime.setTaskLost): kept beside its state in the vector */
  get lost(): boolean {
    return this.env.taskLostAt(this.index);
  }

  get name(): string {
    return this.spec.name;
  }
  get critical(): boolean {
    return this.spec.critical;
  }
  get controlled(): boolean {
    return this.spec.control !== 'basic';
  }

  /** the state the role tree sees: a lost task counts as ERROR */
  get effectiveState(): TaskState {
    return this.lost ? 'ERROR' : this.state;
  }

  /** healthy = alive, reachable, not in ERROR */
  get healthy(): boolean {
    return this.launched && !this.lost && this.state !== 'ERROR';
  }
}
