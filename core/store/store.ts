// The Store interface: everything the controller keeps across restarts. SQLite is the default
// (sqlite.ts); an etcd implementation can satisfy the same interface for HA. Methods are async so
// that a networked store fits; the controller batches writes (one call per batch, not per task).

export interface EnvRecord {
  id: string;
  name: string;
  workflow: string;
  state: string;
  runNumber: number | null;
  owner: string;
  createdMs: number;
  updatedMs: number;
  vars: Record<string, string>;
  repo: string;
  revision: string;
  /** the expanded workflow (JSON), so that a restarted controller needs no template repo */
  expanded: unknown;
  error: unknown | null;
  destroyed: boolean;
}

export interface TaskRecord {
  id: string;
  envId: string;
  name: string;
  state: string;
  node: string;
  pid: number;
  lost: boolean;
  exit: unknown | null;
  ports: Record<string, number>;
  logPath: string;
  host: string;
  error: unknown | null;
  /** bound channel name -> address (tcp://host:port or unix:///path), as the agent reported it */
  addresses?: Record<string, string>;
}

export interface RunRecord {
  runNumber: number;
  envId: string;
  workflow: string;
  startedMs: number;
  stoppedMs: number; // 0 while open
  owner: string;
  state: 'open' | 'closed' | 'aborted';
  tasks: number;
  /** the run record (controller/runs/): absent in records written before it */
  runType?: string;
  envName?: string;
  detectors?: string[];
  startedBy?: string;
  stoppedBy?: string;
  endReason?: string;
}

/** How a run ends: written once, when it is closed or aborted. */
export interface RunEnd {
  stoppedMs: number;
  state: 'closed' | 'aborted';
  tasks: number;
  stoppedBy: string;
  endReason: string;
}

/** The configuration a run started with (the rendered workflow is its environment's, see getEnvironment). */
export interface RunConfigRecord {
  workflow: string;
  file: string;
  repo: string;
  revision: string;
  vars: Record<string, string>;
  varsInForce: Record<string, unknown>;
  excludedRoles: string[];
  /** the rendered workflow's size when the run started */
  tasks: number;
  hooks: number;
  channels: number;
}

/** A run's totals when it ended (docs/observability.md, "Run summaries"). */
export interface RunSummaryRecord {
  durationMs: number;
  channels: { from: string; to: string; type: string; messages: number; bytes: number; msgRate: number; byteRate: number }[];
  restarts: { task: string; restarts: number }[];
  restartsTotal: number;
  /** per collection rather than per task (more tasks than the task label limit) */
  aggregated: boolean;
  /** 'run start', or 'task start' when no baseline was taken (the run began under another controller) */
  countedFrom: string;
}

export interface RunCommentRecord {
  runNumber: number;
  user: string;
  timeMs: number;
  text: string;
}

export interface NodeRecord {
  name: string;
  address: string;
  labels: Record<string, string>;
  sim: boolean;
  addedMs: number;
}

export interface EventRecord {
  seq: number; // assigned by the store, strictly increasing
  timeMs: number;
  kind: string;
  envId: string;
  taskId: string;
  node: string;
  body: unknown; // the whole event as JSON
  /** '' or 'error' (core/model/event-severity.ts); stored to be queried by */
  severity?: string;
  /** the user the event names, stored to be queried by */
  user?: string;
}

/** QueryEvents' filters (every one set must match) and page. */
export interface EventQuery {
  kinds: string[];
  severity: string;
  envId: string;
  taskId: string;
  user: string;
  sinceMs: number;
  untilMs: number;
  /** only events with a smaller seq (0: none) */
  beforeSeq: number;
  text: string;
  limit: number;
}

/** A transition under way, recorded before it acts and deleted when it ends (restart reconcile). */
export interface IntentRecord {
  envId: string;
  transition: string;
  /** the environment state the transition started from */
  fromState: string;
  /** the environment state it leads to */
  target: string;
  /** the run it opened (START_ACTIVITY) or closes (STOP_ACTIVITY), if any */
  runNumber: number | null;
  startedMs: number;
  /** when the transition's deadline passes (epoch ms) */
  deadlineMs: number;
}

/** A user of the controller (controller/auth/users.ts). The token itself is never stored. */
export interface UserRecord {
  name: string;
  /** observer, shifter, expert or admin */
  role: string;
  /** hex SHA-256 of the user's current token */
  tokenHash: string;
  createdMs: number;
  /** when the current token was made */
  tokenMs: number;
}

/** Who holds an environment (controller/locks/): one row per held environment. */
export interface HoldRecord {
  envId: string;
  holder: string;
  sinceMs: number;
  /** why it was taken over ('' when its creator holds it) */
  reason: string;
}

/** One mutating request of the audit trail (controller/audit/). */
export interface AuditRow {
  id: number; // assigned by the store, increasing
  timeMs: number;
  user: string;
  role: string;
  client: string;
  method: string;
  envId: string;
  /** the request as JSON, trimmed */
  args: string;
  outcome: string;
  message: string;
}

export interface AuditFilter {
  user?: string;
  envId?: string;
  sinceMs?: number;
  untilMs?: number;
  /** newest first, at most this many */
  limit: number;
}

export interface Store {
  readonly describe: string; // sqlite:<path> / etcd:<endpoints>

  putEnvironment(env: EnvRecord): Promise<void>;
  /**
   * Updates some fields of a stored environment without rewriting its expanded workflow (which can
   * be tens of MB at 150k tasks). Unknown id: no-op.
   */
  patchEnvironment(id: string, patch: Partial<Omit<EnvRecord, 'id' | 'expanded'>>): Promise<void>;
  getEnvironment(id: string): Promise<EnvRecord | null>;
  listEnvironments(opts?: { includeDestroyed?: boolean }): Promise<EnvRecord[]>;

  /** Upserts all of them in one transaction. */
  putTasks(tasks: TaskRecord[]): Promise<void>;
  /**
   * Writes only the state, lost flag and exit of these tasks, in one transaction: the write of an
   * exit, where nothing else of a stored row changed (an EXIT of 1,000 tasks rewrote 13 columns and
   * the JSON of ports, addresses and error of each). A task with no stored row yet is written
   * whole, so the records are whole too. A store that keeps a task as one record (etcd) writes it
   * whole.
   */
  putTaskExits(tasks: TaskRecord[]): Promise<void>;
  /**
   * The states of all tasks of an environment in one compact write (task-states.ts: one character
   * per task, in the order of the expanded workflow's tasks). The hot path of a transition writes
   * this instead of 150k rows; when reading back, it wins over the rows' own state column.
   * deleteTasks(envId) deletes it too.
   */
  putTaskStateVector(envId: string, vector: string): Promise<void>;
  getTaskStateVector(envId: string): Promise<string | null>;
  /**
   * The node of every task of an environment (same order as the vector above), in one write at
   * placement. Task rows (putTasks) are then only written for tasks with more to say (a pid, ports,
   * an exit, an error); a row's node wins over this. deleteTasks(envId) deletes it too.
   */
  putTaskPlacement(envId: string, nodes: string[]): Promise<void>;
  getTaskPlacement(envId: string): Promise<string[] | null>;
  listTasks(envId: string): Promise<TaskRecord[]>;
  deleteTasks(envId: string): Promise<void>;

  /** Atomically allocates the next run number: unique and monotonic across restarts. */
  nextRunNumber(): Promise<number>;
  lastRunNumber(): Promise<number>;
  putRun(run: RunRecord): Promise<void>;
  listRuns(opts?: { envId?: string; limit?: number }): Promise<RunRecord[]>;
  getRun(runNumber: number): Promise<RunRecord | null>;
  /** Closes a stored run (state, end, who, why); false when no such run is stored. */
  endRun(runNumber: number, end: RunEnd): Promise<boolean>;
  putRunConfig(runNumber: number, config: RunConfigRecord): Promise<void>;
  getRunConfig(runNumber: number): Promise<RunConfigRecord | null>;
  /** A run's summary, written once when it ends (sqlite-run-summaries.ts). */
  putRunSummary(runNumber: number, summary: RunSummaryRecord): Promise<void>;
  getRunSummary(runNumber: number): Promise<RunSummaryRecord | null>;
  addRunComment(comment: RunCommentRecord): Promise<void>;
  listRunComments(runNumber: number): Promise<RunCommentRecord[]>;
  /** An environment's default run type ('' when none). */
  putEnvRunType(envId: string, runType: string): Promise<void>;
  getEnvRunType(envId: string): Promise<string>;

  /** Records (or replaces) the environment's transition intent; one per environment. */
  putIntent(intent: IntentRecord): Promise<void>;
  deleteIntent(envId: string): Promise<void>;
  listIntents(): Promise<IntentRecord[]>;

  putNode(node: NodeRecord): Promise<void>;
  deleteNode(name: string): Promise<void>;
  listNodes(): Promise<NodeRecord[]>;

  /** Appends in one transaction; fills in and returns the seqs. */
  appendEvents(events: Omit<EventRecord, 'seq'>[]): Promise<number[]>;
  readEvents(afterSeq: number, opts?: { envId?: string; limit?: number }): Promise<EventRecord[]>;
  lastEventSeq(): Promise<number>;
  /** Stored events matching every filter of the query, newest first, at most query.limit. */
  queryEvents(query: EventQuery): Promise<EventRecord[]>;

  /** The users table: insert or replace by name, delete by name, all of them. */
  putUser(user: UserRecord): Promise<void>;
  deleteUser(name: string): Promise<void>;
  listUsers(): Promise<UserRecord[]>;
  /** Records (or replaces) the environment's holder. */
  putHold(hold: HoldRecord): Promise<void>;
  deleteHold(envId: string): Promise<void>;
  listHolds(): Promise<HoldRecord[]>;

  /** Appends one audit row; returns its id. */
  appendAudit(row: Omit<AuditRow, 'id'>): Promise<number>;
  /** Audit rows matching every given filter, newest first. */
  listAudit(filter: AuditFilter): Promise<AuditRow[]>;

  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  close(): Promise<void>;
}

/** The Store's run methods: each store builds them in a file of their own (sqlite-runs.ts, etcd-records.ts). */
export type RunMethods = Pick<
  Store,
  | 'nextRunNumber'
  | 'lastRunNumber'
  | 'putRun'
  | 'listRuns'
  | 'getRun'
  | 'endRun'
  | 'putRunConfig'
  | 'getRunConfig'
  | 'addRunComment'
  | 'listRunComments'
  | 'putEnvRunType'
  | 'getEnvRunType'
>;
