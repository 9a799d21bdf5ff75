// The SQLite schema of the default store. Additive changes only (CREATE ... IF NOT EXISTS), so an
// older baton.db opens with a newer controller.
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS envs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  workflow TEXT NOT NULL,
  state TEXT NOT NULL,
  run_number INTEGER,
  owner TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  vars TEXT NOT NULL DEFAULT '{}',
  repo TEXT NOT NULL DEFAULT '',
  revision TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  destroyed INTEGER NOT NULL DEFAULT 0
);
-- the expanded workflow apart from the row, so that state changes never rewrite it
CREATE TABLE IF NOT EXISTS env_expanded (
  id TEXT PRIMARY KEY,
  json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY,
  env_id TEXT NOT NULL,
  name TEXT NOT NULL,
  state TEXT NOT NULL,
  node TEXT NOT NULL DEFAULT '',
  pid INTEGER NOT NULL DEFAULT 0,
  lost INTEGER NOT NULL DEFAULT 0,
  exit TEXT NOT NULL DEFAULT '',
  ports TEXT NOT NULL DEFAULT '',
  log_path TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  addresses TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS tasks_env ON tasks(env_id);
-- every task's state of an environment, one character each (task-states.ts): one write per flush
CREATE TABLE IF NOT EXISTS task_states (
  env_id TEXT PRIMARY KEY,
  vector TEXT NOT NULL
);
-- every task's node of an environment (JSON array, task order), written once at placement
CREATE TABLE IF NOT EXISTS task_placement (
  env_id TEXT PRIMARY KEY,
  nodes TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  run_number INTEGER PRIMARY KEY,
  env_id TEXT NOT NULL,
  workflow TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  stopped_ms INTEGER NOT NULL DEFAULT 0,
  owner TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  tasks INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_env ON runs(env_id);
CREATE TABLE IF NOT EXISTS nodes (
  name TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  labels TEXT NOT NULL DEFAULT '{}',
  sim INTEGER NOT NULL DEFAULT 0,
  added_ms INTEGER NOT NULL
);
-- AUTOINCREMENT: a seq is never reused, even after old events are pruned
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  kind TEXT NOT NULL,
  env_id TEXT NOT NULL DEFAULT '',
  task_id TEXT NOT NULL DEFAULT '',
  node TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_env ON events(env_id, seq);
`;

/**
 * Migration "transition intents" (added after schema version 1, additive): the transition an
 * environment is in the middle of, written before any task is told and deleted at its end, so
 * that a controller restarted after a crash knows what was interrupted (controller/reconcile/).
 */
export const INTENTS_MIGRATION = `
CREATE TABLE IF NOT EXISTS transition_intents (
  env_id TEXT PRIMARY KEY,
  transition TEXT NOT NULL,
  from_state TEXT NOT NULL,
  target TEXT NOT NULL,
  run_number INTEGER,
  started_ms INTEGER NOT NULL,
  deadline_ms INTEGER NOT NULL DEFAULT 0
);
`;

/**
 * Migration "users" (additive): the people who may call the controller, each with a role and the
 * SHA-256 of its token (never the token: docs/security.md says why a plain hash suffices).
 */
export const USERS_MIGRATION = `
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  token_ms INTEGER NOT NULL
);
`;

/**
 * Migration "holds" (additive): who holds each environment (core/controller/locks/). A row per
 * held environment; none when it is free. Claims need no table: they are part of the stored
 * expanded workflow and are rebuilt from it at restore.
 */
export const HOLDS_MIGRATION = `
CREATE TABLE IF NOT EXISTS holds (
  env_id TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  reason TEXT NOT NULL DEFAULT ''
);
`;

/**
 * Migration "audit" (additive): the audit trail, a table of its own rather than events of kind
 * `audit` (core/controller/audit/): it is read by user, environment and time range (indexed
 * here; the events table has no user column), and it is kept when old events are pruned.
 */
export const AUDIT_MIGRATION = `
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms INTEGER NOT NULL,
  user TEXT NOT NULL,
  role TEXT NOT NULL,
  client TEXT NOT NULL,
  method TEXT NOT NULL,
  env_id TEXT NOT NULL DEFAULT '',
  args TEXT NOT NULL DEFAULT '{}',
  outcome TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_time ON audit(time_ms);
CREATE INDEX IF NOT EXISTS audit_user ON audit(user, time_ms);
CREATE INDEX IF NOT EXISTS audit_env ON audit(env_id, time_ms);
`;

/**
 * Migration "run record" (additive): who started and stopped a run, its type, detectors,
 * end reason and environment name (new columns of `runs`, added by addColumns in
 * sqlite-runs.ts, since SQLite has no ADD COLUMN IF NOT EXISTS), the configuration snapshot of
 * each run, operators' comments, and an environment's default run type.
 */
export const RUN_RECORD_MIGRATION = `
CREATE TABLE IF NOT EXISTS run_config (
  run_number INTEGER PRIMARY KEY,
  json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_number INTEGER NOT NULL,
  user TEXT NOT NULL,
  time_ms INTEGER NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_comments_run ON run_comments(run_number, id);
-- an environment's default run type (its own table: the envs row is written on every change)
CREATE TABLE IF NOT EXISTS env_run_types (
  env_id TEXT PRIMARY KEY,
  run_type TEXT NOT NULL
);
`;

/** The columns the run-record migration adds: [table, column, declaration]. */
export const RUN_RECORD_COLUMNS: [string, string, string][] = [
  ['runs', 'run_type', `TEXT NOT NULL DEFAULT ''`],
  ['runs', 'env_name', `TEXT NOT NULL DEFAULT ''`],
  ['runs', 'detectors', `TEXT NOT NULL DEFAULT ''`],
  ['runs', 'started_by', `TEXT NOT NULL DEFAULT ''`],
  ['runs', 'stopped_by', `TEXT NOT NULL DEFAULT ''`],
  ['runs', 'end_reason', `TEXT NOT NULL DEFAULT ''`],
];

/** Run summaries (docs/observability.md): one JSON row per ended run, in a table of its own so
 *  that the runs row stays small and the listing of runs never reads them. */
export const RUN_SUMMARY_MIGRATION = `
CREATE TABLE IF NOT EXISTS run_summaries (
  run_number INTEGER PRIMARY KEY,
  json TEXT NOT NULL
);
`;

/**
 * Migration "event queries" (additive): each event's severity ('' or 'error') and the user it
 * names as columns of `events` (added by migrateEventQueries in sqlite-events.ts, with a one-time
 * backfill of the stored rows), and the indexes the console's history needs: by kind, task and
 * time, each ending in seq so that a page "older than seq S" is an index walk; severity and user
 * are indexed by EVENT_RARE_INDEX_MIGRATION below.
 */
export const EVENT_QUERY_COLUMNS: [string, string, string][] = [
  ['events', 'severity', `TEXT NOT NULL DEFAULT ''`],
  ['events', 'user', `TEXT NOT NULL DEFAULT ''`],
];
export const EVENT_QUERY_MIGRATION = `
CREATE INDEX IF NOT EXISTS events_kind ON events(kind, seq);
CREATE INDEX IF NOT EXISTS events_task ON events(task_id, seq);
CREATE INDEX IF NOT EXISTS events_time ON events(time_ms);
`;

/**
 * Migration "rare event indexes": severity and user are indexed only where they are set (partial
 * indexes), replacing the full indexes of the event-queries migration. A query filters on them
 * only for a value that is set (severity 'error', a user's name), and almost every stored event
 * has neither (a task's exit, a state change): the full indexes updated two B-trees per event for
 * entries no query reads (an EXIT of 1,000 tasks stores 1,000 events). The queries name the
 * partial index's condition (sqlite-events.ts), so that SQLite may use it.
 */
export const EVENT_RARE_INDEX_MIGRATION = `
DROP INDEX IF EXISTS events_severity;
DROP INDEX IF EXISTS events_user;
CREATE INDEX IF NOT EXISTS events_errors ON events(seq) WHERE severity = 'error';
CREATE INDEX IF NOT EXISTS events_named_user ON events(user, seq) WHERE user != '';
`;
