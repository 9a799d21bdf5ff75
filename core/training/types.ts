// A training walkthrough (training/*.yaml, validated by walkthrough.schema.json): a procedure of the
// handbook practised against a live stack. Each step says what to do, which live condition ends it,
// which faults are injected while it runs, which hints come after a delay, and what the scripted
// trainee does (CI and the generated handbook run every walkthrough that way).

/** A live condition that ends a step. Values are matched after substitution ({{run}}, {{env}}). */
export type Condition =
  | { env: { state?: string; run?: 'open' | 'none'; degraded?: boolean } }
  | { task: { role: string; state?: string; included?: boolean; restarted?: boolean; lost?: boolean } }
  | { node: { of: string; up?: boolean; suspect?: boolean; schedule?: 'ready' | 'cordoned' | 'draining' | 'drained' } }
  /** who holds the environment: `by` a user name, `mine` the trainee's own user, `free` nobody */
  | { hold: { by?: string; mine?: boolean; free?: boolean } }
  /** the controller answers (false while it is dead: the other conditions then do not hold) */
  | { controller: { up: boolean } }
  | { event: { kind: string; text?: string } }
  /** a cluster stack's leader (leader.ts): `changed` another controller than the one that led when
   *  the walkthrough began; `followers` how many other controllers are alive */
  | { leader: { changed?: boolean; followers?: number } }
  | { answer: { question: string; expect: string } }
  | { all: Condition[] }
  | { any: Condition[] };

/** A fault injected while a step runs; only on a controller started for training. */
export type FaultSpec =
  | { kill_task: { role: string }; after?: string }
  | { stop_agent: { of: string; for: string }; after?: string }
  | { kill_agent: { of: string; back_after: string }; after?: string }
  | { fail_hook: { hook: string }; after?: string }
  | { clear_hook: { hook: string }; after?: string }
  /** kill -9 of the local stack's controller; it stays dead until the trainee repairs the stack */
  | { kill_controller: Record<string, never>; after?: string }
  /** a colleague (this user, an expert, added when missing) takes the environment's hold */
  | { take_hold: { user: string; reason?: string }; after?: string }
  /** the logs folder of that role's agent becomes a full tmpfs (fill-log-disk.ts) */
  | { fill_log_disk: { of: string; size?: string }; after?: string }
  /** kill -9 of the cluster's leading controller (a stack with `controllers`); a follower takes over */
  | { kill_leader: Record<string, never>; after?: string }
  /** the full log disk is freed (the filler removed; the mount stays until the walkthrough ends) */
  | { free_log_disk: { of: string }; after?: string };

/** One action of the scripted trainee. */
export type TraineeAction =
  | { transition: string }
  | { kill_task: { role: string } }
  | { exclude: { role: string } }
  | { include: { role: string } }
  | { take_over: { reason: string } }
  | { cordon: { of: string } }
  | { drain: { of: string } }
  | { uncordon: { of: string } }
  /** `baton local up` on the training stack's home: restarts what died */
  | { repair_stack: Record<string, never> }
  | { answer: string }
  | { wait: string }
  | { wait_for: Condition };

export interface Hint {
  after: string;
  text: string;
}

export interface Step {
  title: string;
  instructions: string;
  /** transitions the trainee may press in this step; any other is a wrong action */
  allowed?: string[];
  /** tasks the trainee may kill in this step (role paths); killing another is a wrong action */
  may_kill?: string[];
  done: Condition;
  faults?: FaultSpec[];
  hints?: Hint[];
  trainee: TraineeAction[];
}

export interface Walkthrough {
  /** the file's base name without .yaml */
  id: string;
  file: string;
  title: string;
  audience: 'observer' | 'shifter' | 'expert' | 'admin';
  summary: string;
  /** the handbook section it practises */
  handbook?: string;
  stack: {
    workflow: string;
    vars?: Record<string, string | number | boolean>;
    /** the state the environment is brought to before the first step */
    start_at?: 'STANDBY' | 'DEPLOYED' | 'CONFIGURED' | 'RUNNING';
    /** the stack runs this many controllers as a fail-over cluster (`baton local up --controllers N`) */
    controllers?: number;
  };
  steps: Step[];
  debrief: string;
}
