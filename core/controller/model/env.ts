// One environment in memory: its record, its tasks, the role tree and counts kept incrementally.
import type { ExpandedWorkflow, HookSpec } from '../../workflow/types.js';
import { TASK_STATES, type EnvState, type TaskState } from '../../model/states.js';
import type { ErrorDetailLike } from '../../model/errors.js';
import { taskId } from '../../model/ids.js';
import { StateCounts } from './counts.js';
import { RoleTree } from './tree.js';
import { TaskRuntime } from './task.js';
import type { TransitionCtx } from './transition.js';
import type { Claim, Hold } from '../locks/registry.js';
import { taskStateCode } from '../../store/task-states.js';

/** a byte of the task-state vector -> the task's state and whether it is lost */
const STATE_OF_CODE: TaskState[] = new Array<TaskState>(256).fill('STANDBY');
const LOST_OF_CODE = new Uint8Array(256);
for (const s of TASK_STATES) {
  STATE_OF_CODE[taskStateCode(s, false)] = s;
  STATE_OF_CODE[taskStateCode(s, true)] = s;
  LOST_OF_CODE[taskStateCode(s, true)] = 1;
}

export interface EnvInit {
  id: string;
  name: string;
  workflow: string;
  state: EnvState;
  runNumber: number | null;
  owner: string;
  createdMs: number;
  updatedMs: number;
  vars: Record<string, string>;
  repo: string;
  revision: string;
  error: ErrorDetailLike | null;
}

export class EnvRuntime {
  readonly id: string;
  name: string;
  workflow: string;
  state: EnvState;
  runNumber: number | null;
  runStartedMs = 0;
  /** the run type of a START_ACTIVITY that names none ('' when none) */
  runType = '';
  owner: string;
  createdMs: number;
  updatedMs: number;
  vars: Record<string, string>;
  repo: string;
  revision: string;
  error: ErrorDetailLike | null;
  degraded = false;
  destroyed = false;
  /** the transition under way (its context), null when idle */
  ctx: TransitionCtx | null = null;
  /** who drives it (locks/hold.ts); null: free, the first user who drives it takes it */
  hold: Hold | null = null;
  /** what it claims exclusively (locks/claims.ts), if anything */
  claim: Claim | null = null;

  readonly tasks: TaskRuntime[] = [];
  /** included tasks only: what transitions act on */
  readonly active: TaskRuntime[] = [];
  /** role path (and task name) -> task */
  readonly byRole = new Map<string, TaskRuntime>();
  readonly tree: RoleTree;
  /** counts over included tasks */
  readonly counts = new StateCounts();
  readonly hooks: HookSpec[];
  /**
   * The tasks' states and lost flags, one byte per task in the order of tasks, in the store's
   * encoding (core/store/task-states.ts): the only copy in memory (TaskRuntime.state and .lost
   * read it). The write-behind copies it instead of walking a million tasks each flush, and an
   * update writes one byte here instead of a field of its task: no write barrier, and one
   * place per task instead of two.
   */
  private readonly stateCodes: Buffer;

  /**
   * Without `sliced`, the role tree and every task's record are built now (a restore). A create
   * of a million tasks yields while it builds: it passes the tree it built in slices
   * (RoleTree.inSlices) and builds the task records in slices itself (addTasks).
   */
  constructor(
    init: EnvInit,
    readonly expanded: ExpandedWorkflow,
    sliced: { tree: RoleTree } | null = null,
  ) {
    this.id = init.id;
    this.name = init.name;
    this.workflow = init.workflow;
    this.state = init.state;
    this.runNumber = init.runNumber;
    this.owner = init.owner;
    this.createdMs = init.createdMs;
    this.updatedMs = init.updatedMs;
    this.vars = init.vars;
    this.repo = init.repo;
    this.revision = init.revision;
    this.error = init.error;
    this.tree = sliced?.tree ?? new RoleTree(expanded.root);
    this.hooks = expanded.hooks ?? [];
    this.stateCodes = Buffer.alloc(expanded.tasks.length, taskStateCode('STANDBY', false));
    if (!sliced) this.addTasks(expanded.tasks.length);
  }

  /** Builds the records of the expansion's next tasks, up to the `end`th (in the expansion's order). */
  addTasks(end: number): void {
    const specs = this.expanded.tasks;
    for (let i = this.tasks.length; i < end && i < specs.length; i++) {
      const spec = specs[i]!;
      const t = new TaskRuntime(taskId(this.id, spec.name), spec, this);
      t.index = this.tasks.length;
      t.leaf = this.tree.leafOf(spec.name, i);
      t.included = t.leaf < 0 ? true : this.tree.included(t.leaf);
      this.tasks.push(t);
      this.byRole.set(spec.name, t);
      if (spec.rolePath && spec.rolePath !== spec.name) this.byRole.set(spec.rolePath, t);
      if (t.included) {
        this.active.push(t);
        this.counts.add(t.state);
      }
    }
  }

  /** the state of the task at this index (TaskRuntime.state) */
  taskStateAt(index: number): TaskState {
    return STATE_OF_CODE[this.stateCodes[index]!]!;
  }

  /** whether the task at this index is lost (TaskRuntime.lost) */
  taskLostAt(index: number): boolean {
    return LOST_OF_CODE[this.stateCodes[index]!] === 1;
  }

  /** Sets a task's state, keeping counts and the role tree in step. Returns whether it changed. */
  setTaskState(t: TaskRuntime, state: TaskState): boolean {
    const code = this.stateCodes[t.index]!;
    const old = STATE_OF_CODE[code]!;
    if (old === state) return false;
    const lost = LOST_OF_CODE[code] === 1;
    if (t.included) this.counts.move(old, state);
    this.stateCodes[t.index] = taskStateCode(state, lost);
    // the tree sees a lost task as ERROR whatever its state: only a task not lost moves its leaf
    if (t.leaf >= 0 && !lost) this.tree.setLeaf(t.leaf, state);
    return true;
  }

  setTaskLost(t: TaskRuntime, lost: boolean): boolean {
    const code = this.stateCodes[t.index]!;
    if ((LOST_OF_CODE[code] === 1) === lost) return false;
    if (t.included) this.counts.lost += lost ? 1 : -1;
    const state = STATE_OF_CODE[code]!;
    this.stateCodes[t.index] = taskStateCode(state, lost);
    if (t.leaf >= 0) this.tree.setLeaf(t.leaf, lost ? 'ERROR' : state);
    return true;
  }

  /** The task-state vector as the store keeps it (core/store/task-states.ts). */
  stateVector(): string {
    return this.stateCodes.toString('latin1');
  }

  /** A loss of this task (already marked ERROR or lost) is fatal to the environment. */
  isFatal(t: TaskRuntime): boolean {
    if (!t.included) return false;
    if (t.critical) return true;
    return t.leaf >= 0 && this.tree.belowNmin(t.leaf);
  }

  /** whether a call role (hook) is included: false when it or an ancestor is disabled */
  roleIncluded(path: string): boolean {
    const i = this.tree.callOf.get(path);
    return i === undefined ? true : this.tree.included(i);
  }
}
