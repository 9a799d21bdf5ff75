// The environment and task state machines (docs/design.md, "State machines"). Pure: no I/O.

export const ENV_STATES = ['STANDBY', 'DEPLOYED', 'CONFIGURED', 'RUNNING', 'ERROR', 'DONE'] as const;
export type EnvState = (typeof ENV_STATES)[number];

export const ENV_TRANSITIONS = ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY', 'STOP_ACTIVITY', 'RESET', 'EXIT', 'GO_ERROR', 'RECOVER'] as const;
export type EnvTransition = (typeof ENV_TRANSITIONS)[number];

/** from-states and the target of every environment transition. */
export const ENV_TRANSITION_TABLE: Record<EnvTransition, { from: readonly EnvState[]; to: EnvState }> = {
  DEPLOY: { from: ['STANDBY'], to: 'DEPLOYED' },
  CONFIGURE: { from: ['DEPLOYED'], to: 'CONFIGURED' },
  START_ACTIVITY: { from: ['CONFIGURED'], to: 'RUNNING' },
  STOP_ACTIVITY: { from: ['RUNNING'], to: 'CONFIGURED' },
  RESET: { from: ['CONFIGURED'], to: 'DEPLOYED' },
  // from ERROR too: EXIT kills what is left (graded), so an operator can always end an environment
  EXIT: { from: ['STANDBY', 'DEPLOYED', 'CONFIGURED', 'ERROR'], to: 'DONE' },
  GO_ERROR: { from: ['STANDBY', 'DEPLOYED', 'CONFIGURED', 'RUNNING', 'ERROR'], to: 'ERROR' },
  RECOVER: { from: ['ERROR'], to: 'DEPLOYED' },
};

export function isEnvTransition(s: string): s is EnvTransition {
  return (ENV_TRANSITIONS as readonly string[]).includes(s);
}

/** The transitions a user may ask for from `state` (GO_ERROR included: an operator may force it). */
export function allowedEnvTransitions(state: EnvState): EnvTransition[] {
  return ENV_TRANSITIONS.filter((t) => ENV_TRANSITION_TABLE[t].from.includes(state));
}

export function envTransitionAllowed(state: EnvState, t: EnvTransition): boolean {
  return ENV_TRANSITION_TABLE[t].from.includes(state);
}

// ---- tasks ----
export const TASK_STATES = ['STANDBY', 'CONFIGURED', 'RUNNING', 'ERROR', 'DONE'] as const;
export type TaskState = (typeof TASK_STATES)[number];

/**
 * The transitions the agent sends a controlled task (task.proto). There is no task RECOVER: the
 * environment's RECOVER relaunches tasks in ERROR and takes healthy ones back with STOP and RESET
 * (task.proto says why).
 */
export const TASK_EVENTS = ['CONFIGURE', 'START', 'STOP', 'RESET', 'EXIT'] as const;
export type TaskEvent = (typeof TASK_EVENTS)[number];

export const TASK_TRANSITION_TABLE: Record<TaskEvent, { from: readonly TaskState[]; to: TaskState }> = {
  CONFIGURE: { from: ['STANDBY'], to: 'CONFIGURED' },
  START: { from: ['CONFIGURED'], to: 'RUNNING' },
  STOP: { from: ['RUNNING'], to: 'CONFIGURED' },
  RESET: { from: ['CONFIGURED'], to: 'STANDBY' },
  EXIT: { from: ['STANDBY', 'CONFIGURED', 'RUNNING', 'ERROR'], to: 'DONE' },
};

export function isTaskEvent(s: string): s is TaskEvent {
  return (TASK_EVENTS as readonly string[]).includes(s);
}

export function taskTransitionAllowed(state: TaskState, e: TaskEvent): boolean {
  return TASK_TRANSITION_TABLE[e].from.includes(state);
}

/** The task event an environment transition sends to its tasks (null: no task transition). */
export const TASK_EVENT_FOR_ENV: Record<EnvTransition, TaskEvent | null> = {
  DEPLOY: null, // tasks are launched and reach STANDBY
  CONFIGURE: 'CONFIGURE',
  START_ACTIVITY: 'START',
  STOP_ACTIVITY: 'STOP',
  RESET: 'RESET',
  EXIT: 'EXIT',
  GO_ERROR: null,
  RECOVER: null, // failed tasks are killed and launched again, healthy ones taken back to STANDBY
};

/** The task state that corresponds to an environment state. */
export function taskStateForEnv(s: EnvState): TaskState | null {
  switch (s) {
    case 'DEPLOYED':
      return 'STANDBY';
    case 'CONFIGURED':
      return 'CONFIGURED';
    case 'RUNNING':
      return 'RUNNING';
    case 'DONE':
      return 'DONE';
    default:
      return null;
  }
}

// ---- roles ----
export type RoleState = TaskState | EnvState | 'MIXED' | 'UNKNOWN';

export interface AggregateInput {
  state: RoleState;
  critical: boolean;
  included: boolean;
}

/**
 * A role's state from its children: all equal gives that state, any critical ERROR gives ERROR,
 * otherwise MIXED. Excluded children do not count; a role with no counted child is UNKNOWN.
 */
export function aggregateState(children: readonly AggregateInput[]): { state: RoleState; critical: boolean } {
  let first: RoleState | null = null;
  let mixed = false;
  let criticalError = false;
  let critical = false;
  for (const c of children) {
    if (!c.included) continue;
    if (c.critical) critical = true;
    if (c.state === 'ERROR' && c.critical) criticalError = true;
    if (first === null) first = c.state;
    else if (first !== c.state) mixed = true;
  }
  if (first === null) return { state: 'UNKNOWN', critical };
  if (criticalError) return { state: 'ERROR', critical };
  return { state: mixed ? 'MIXED' : first, critical };
}
