// The default Store: one SQLite file (better-sqlite3, WAL). Every multi-row write is one
// transaction. better-sqlite3 is synchronous; the async interface is kept so a networked store fits.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { EnvRecord, EventRecord, IntentRecord, NodeRecord, Store, TaskRecord } from './store.js';
import { AUDIT_MIGRATION, HOLDS_MIGRATION, INTENTS_MIGRATION, RUN_SUMMARY_MIGRATION, SCHEMA, SCHEMA_VERSION, USERS_MIGRATION } from './sqlite-schema.js';
import { sqliteUsers } from './sqlite-users.js';
import { sqliteAudit, sqliteHolds } from './sqlite-locks.js';
import { packedJson, unpackExpanded } from './pack.js';
import { migrateRunRecord, sqliteRunMethods } from './sqlite-runs.js';
import { sqliteRunSummaries } from './sqlite-run-summaries.js';
import { migrateEventQueries, READ_ENV_EVENTS_SQL, READ_EVENTS_SQL, sqliteEventQueries } from './sqlite-events.js';

type Row = Record<string, unknown>;

/** JSON for small maps on a hot path: the common empty case costs nothing. */
function jsonOrEmpty(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && !Array.isArray(v)) {
    for (const _ in v as object) return JSON.stringify(v);
    return '';
  }
  return JSON.stringify(v);
}
function parseOr<T>(s: unknown, dflt: T): T {
  if (typeof s !== 'string' || s === '') return dflt;
  return JSON.parse(s) as T;
}

export function openSqliteStore(file: string): Store {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a committed transaction survives a process crash (kill -9); only a power
  // loss may drop the last ones. That is what "persisted before any task is told" needs.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  db.exec(INTENTS_MIGRATION);
  db.exec(USERS_MIGRATION);
  db.exec(HOLDS_MIGRATION);
  db.exec(AUDIT_MIGRATION);
  migrateRunRecord(db);
  db.exec(RUN_SUMMARY_MIGRATION);
  migrateEventQueries(db);
  const ver = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as Row | undefined;
  if (!ver) db.prepare(`INSERT INTO meta(key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));

  const st = {
    putEnv: db.prepare(`INSERT INTO envs(id, name, workflow, state, run_number, owner, created_ms, updated_ms, vars, repo, revision, error, destroyed)
      VALUES (@id, @name, @workflow, @state, @runNumber, @owner, @createdMs, @updatedMs, @vars, @repo, @revision, @error, @destroyed)
      ON CONFLICT(id) DO UPDATE SET name=excluded.name, workflow=excluded.workflow, state=excluded.state,
        run_number=excluded.run_number, owner=excluded.owner, created_ms=excluded.created_ms, updated_ms=excluded.updated_ms,
        vars=excluded.vars, repo=excluded.repo, revision=excluded.revision, error=excluded.error, destroyed=excluded.destroyed`),
    putExpanded: db.prepare(`INSERT INTO env_expanded(id, json) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET json=excluded.json`),
    getEnv: db.prepare(`SELECT e.*, x.json AS expanded FROM envs e LEFT JOIN env_expanded x ON x.id = e.id WHERE e.id = ?`),
    getEnvRow: db.prepare(`SELECT * FROM envs WHERE id = ?`),
    listEnvs: db.prepare(`SELECT e.*, x.json AS expanded FROM envs e LEFT JOIN env_expanded x ON x.id = e.id ORDER BY e.created_ms`),
    putTask: db.prepare(`INSERT INTO tasks(id, env_id, name, state, node, pid, lost, exit, ports, log_path, host, error, addresses)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET state=excluded.state, node=excluded.node, pid=excluded.pid, lost=excluded.lost, exit=excluded.exit, ports=excluded.ports, log_path=excluded.log_path,
        host=excluded.host, error=excluded.error, addresses=excluded.addresses`),
    // an exit's write: the columns it changes, not the row (putTaskExits)
    putTaskExit: db.prepare(`UPDATE tasks SET state = ?, lost = ?, exit = ? WHERE id = ?`),
    putVector: db.prepare(`INSERT INTO task_states(env_id, vector) VALUES (?, ?) ON CONFLICT(env_id) DO UPDATE SET vector=excluded.vector`),
    getVector: db.prepare(`SELECT vector FROM task_states WHERE env_id = ?`),
    deleteVector: db.prepare(`DELETE FROM task_states WHERE env_id = ?`),
    putPlacement: db.prepare(`INSERT INTO task_placement(env_id, nodes) VALUES (?, ?) ON CONFLICT(env_id) DO UPDATE SET nodes=excluded.nodes`),
    getPlacement: db.prepare(`SELECT nodes FROM task_placement WHERE env_id = ?`),
    deletePlacement: db.prepare(`DELETE FROM task_placement WHERE env_id = ?`),
    listTasks: db.prepare(`SELECT * FROM tasks WHERE env_id = ?`),
    deleteTasks: db.prepare(`DELETE FROM tasks WHERE env_id = ?`),
    getMeta: db.prepare(`SELECT value FROM meta WHERE key = ?`),
    setMeta: db.prepare(`INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`),
    putIntent: db.prepare(`INSERT INTO transition_intents(env_id, transition, from_state, target, run_number, started_ms, deadline_ms)
      VALUES (@envId, @transition, @fromState, @target, @runNumber, @startedMs, @deadlineMs)
      ON CONFLICT(env_id) DO UPDATE SET transition=excluded.transition, from_state=excluded.from_state, target=excluded.target,
        run_number=excluded.run_number, started_ms=excluded.started_ms, deadline_ms=excluded.deadline_ms`),
    deleteIntent: db.prepare(`DELETE FROM transition_intents WHERE env_id = ?`),
    listIntents: db.prepare(`SELECT * FROM transition_intents ORDER BY started_ms`),
    putNode: db.prepare(`INSERT INTO nodes(name, address, labels, sim, added_ms) VALUES (@name, @address, @labels, @sim, @addedMs)
      ON CONFLICT(name) DO UPDATE SET address=excluded.address, labels=excluded.labels, sim=excluded.sim`),
    deleteNode: db.prepare(`DELETE FROM nodes WHERE name = ?`),
    listNodes: db.prepare(`SELECT * FROM nodes ORDER BY name`),
    appendEvent: db.prepare(`INSERT INTO events(time_ms, kind, env_id, task_id, node, body, severity, user) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    readEvents: db.prepare(READ_EVENTS_SQL),
    readEventsEnv: db.prepare(READ_ENV_EVENTS_SQL),
    lastSeq: db.prepare(`SELECT COALESCE(MAX(seq), 0) AS n FROM events`),
  };

  const envFromRow = (r: Row): EnvRecord => ({
    id: r.id as string,
    name: r.name as string,
    workflow: r.workflow as string,
    state: r.state as string,
    runNumber: (r.run_number as number | null) ?? null,
    owner: r.owner as string,
    createdMs: r.created_ms as number,
    updatedMs: r.updated_ms as number,
    vars: parseOr(r.vars, {}),
    repo: r.repo as string,
    revision: r.revision as string,
    expanded: unpackExpanded(parseOr(r.expanded, null)),
    error: parseOr(r.error, null),
    destroyed: r.destroyed === 1,
  });
  const envParams = (e: Omit<EnvRecord, 'expanded'>) => ({
    id: e.id,
    name: e.name,
    workflow: e.workflow,
    state: e.state,
    runNumber: e.runNumber,
    owner: e.owner,
    createdMs: e.createdMs,
    updatedMs: e.updatedMs,
    vars: JSON.stringify(e.vars ?? {}),
    repo: e.repo,
    revision: e.revision,
    error: e.error == null ? '' : JSON.stringify(e.error),
    destroyed: e.destroyed ? 1 : 0,
  });

  const putEnvTx = db.transaction((e: EnvRecord) => {
    st.putEnv.run(envParams(e));
    st.putExpanded.run(e.id, packedJson(e.expanded));
  });
  const putTask = (t: TaskRecord) =>
    st.putTask.run(
      t.id,
      t.envId,
      t.name,
      t.state,
      t.node,
      t.pid | 0,
      t.lost ? 1 : 0,
      jsonOrEmpty(t.exit),
      jsonOrEmpty(t.ports),
      t.logPath,
      t.host,
      jsonOrEmpty(t.error),
      jsonOrEmpty(t.addresses),
    );
  const putTasksTx = db.transaction((tasks: TaskRecord[]) => {
    for (const t of tasks) putTask(t);
  });
  const putTaskExitsTx = db.transaction((tasks: TaskRecord[]) => {
    for (const t of tasks) {
      // no row yet (its launch's write still queued or dropped): the whole record
      if (st.putTaskExit.run(t.state, t.lost ? 1 : 0, jsonOrEmpty(t.exit), t.id).changes === 0) putTask(t);
    }
  });
  const deleteTasksTx = db.transaction((envId: string) => {
    st.deleteTasks.run(envId);
    st.deleteVector.run(envId);
    st.deletePlacement.run(envId);
  });
  const appendTx = db.transaction((events: Omit<EventRecord, 'seq'>[]): number[] => {
    const seqs: number[] = new Array(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const body = JSON.stringify(e.body ?? null);
      seqs[i] = Number(st.appendEvent.run(e.timeMs, e.kind, e.envId, e.taskId, e.node, body, e.severity ?? '', e.user ?? '').lastInsertRowid);
    }
    return seqs;
  });

  let closed = false;
  const store: Store = {
    describe: `sqlite:${file}`,

    async putEnvironment(env) {
      putEnvTx(env);
    },
    async patchEnvironment(id, patch) {
      const r = st.getEnvRow.get(id) as Row | undefined;
      if (!r) return;
      const cur = envFromRow({ ...r, expanded: '' });
      st.putEnv.run(envParams({ ...cur, ...patch, id }));
    },
    async getEnvironment(id) {
      const r = st.getEnv.get(id) as Row | undefined;
      return r ? envFromRow(r) : null;
    },
    async listEnvironments(opts) {
      const rows = st.listEnvs.all() as Row[];
      return rows.filter((r) => opts?.includeDestroyed || r.destroyed !== 1).map(envFromRow);
    },

    async putTasks(tasks) {
      if (tasks.length) putTasksTx(tasks);
    },
    async putTaskExits(tasks) {
      if (tasks.length) putTaskExitsTx(tasks);
    },
    async putTaskStateVector(envId, vector) {
      st.putVector.run(envId, vector);
    },
    async putTaskPlacement(envId, nodes) {
      st.putPlacement.run(envId, JSON.stringify(nodes));
    },
    async getTaskPlacement(envId) {
      const r = st.getPlacement.get(envId) as Row | undefined;
      return r ? parseOr<string[] | null>(r.nodes, null) : null;
    },
    async getTaskStateVector(envId) {
      const r = st.getVector.get(envId) as Row | undefined;
      return r ? (r.vector as string) : null;
    },
    async listTasks(envId) {
      return (st.listTasks.all(envId) as Row[]).map((r) => ({
        id: r.id as string,
        envId: r.env_id as string,
        name: r.name as string,
        state: r.state as string,
        node: r.node as string,
        pid: r.pid as number,
        lost: r.lost === 1,
        exit: parseOr(r.exit, null),
        ports: parseOr(r.ports, {}),
        logPath: r.log_path as string,
        host: r.host as string,
        error: parseOr(r.error, null),
        addresses: parseOr(r.addresses, {}),
      }));
    },
    async deleteTasks(envId) {
      deleteTasksTx(envId);
    },

    ...sqliteRunMethods(db),
    ...sqliteRunSummaries(db),

    async putIntent(intent) {
      st.putIntent.run(intent);
    },
    async deleteIntent(envId) {
      st.deleteIntent.run(envId);
    },
    async listIntents() {
      return (st.listIntents.all() as Row[]).map(
        (r): IntentRecord => ({
          envId: r.env_id as string,
          transition: r.transition as string,
          fromState: r.from_state as string,
          target: r.target as string,
          runNumber: r.run_number === null ? null : (r.run_number as number),
          startedMs: r.started_ms as number,
          deadlineMs: r.deadline_ms as number,
        }),
      );
    },

    async putNode(node) {
      st.putNode.run({ ...node, labels: JSON.stringify(node.labels ?? {}), sim: node.sim ? 1 : 0 });
    },
    async deleteNode(name) {
      st.deleteNode.run(name);
    },
    async listNodes() {
      return (st.listNodes.all() as Row[]).map(
        (r): NodeRecord => ({
          name: r.name as string,
          address: r.address as string,
          labels: parseOr(r.labels, {}),
          sim: r.sim === 1,
          addedMs: r.added_ms as number,
        }),
      );
    },

    async appendEvents(events) {
      return events.length ? appendTx(events) : [];
    },
    async readEvents(afterSeq, opts) {
      const limit = opts?.limit && opts.limit > 0 ? opts.limit : -1;
      const rows = (opts?.envId ? st.readEventsEnv.all(afterSeq, opts.envId, limit) : st.readEvents.all(afterSeq, limit)) as Row[];
      return rows.map((r) => ({
        seq: r.seq as number,
        timeMs: r.time_ms as number,
        kind: r.kind as string,
        envId: r.env_id as string,
        taskId: r.task_id as string,
        node: r.node as string,
        body: parseOr(r.body, null),
      }));
    },
    async lastEventSeq() {
      return (st.lastSeq.get() as Row).n as number;
    },

    ...sqliteUsers(db),
    ...sqliteHolds(db),
    ...sqliteAudit(db),
    ...sqliteEventQueries(db),

    async getMeta(key) {
      const r = st.getMeta.get(key) as Row | undefined;
      return r ? (r.value as string) : null;
    },
    async setMeta(key, value) {
      st.setMeta.run(key, value);
    },

    async close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
  return store;
}
