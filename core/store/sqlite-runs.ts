// The run record in SQLite: the runs table (with the run-record columns), each run's
// configuration snapshot, operators' comments, and environments' default run types. Kept apart
// from sqlite.ts, which spreads these methods into its Store.
import type Database from 'better-sqlite3';
import type { RunCommentRecord, RunConfigRecord, RunMethods, RunRecord } from './store.js';
import { RUN_RECORD_COLUMNS, RUN_RECORD_MIGRATION } from './sqlite-schema.js';

type Row = Record<string, unknown>;

/** Applies the run-record migration: its tables, and its columns where they are missing. */
export function migrateRunRecord(db: Database.Database): void {
  db.exec(RUN_RECORD_MIGRATION);
  for (const [table, column, declaration] of RUN_RECORD_COLUMNS) {
    const present = (db.prepare(`PRAGMA table_info(${table})`).all() as Row[]).some((c) => c.name === column);
    if (!present) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${declaration}`);
  }
}

function runFromRow(r: Row): RunRecord {
  return {
    runNumber: r.run_number as number,
    envId: r.env_id as string,
    workflow: r.workflow as string,
    startedMs: r.started_ms as number,
    stoppedMs: r.stopped_ms as number,
    owner: r.owner as string,
    state: r.state as RunRecord['state'],
    tasks: r.tasks as number,
    runType: (r.run_type as string) ?? '',
    envName: (r.env_name as string) ?? '',
    detectors: r.detectors ? (JSON.parse(r.detectors as string) as string[]) : [],
    startedBy: (r.started_by as string) ?? '',
    stoppedBy: (r.stopped_by as string) ?? '',
    endReason: (r.end_reason as string) ?? '',
  };
}

/** The Store's run methods over an open database (migrated by migrateRunRecord first). */
export function sqliteRunMethods(db: Database.Database): RunMethods {
  const st = {
    getMeta: db.prepare(`SELECT value FROM meta WHERE key = ?`),
    setMeta: db.prepare(`INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`),
    maxRun: db.prepare(`SELECT COALESCE(MAX(run_number), 0) AS n FROM runs`),
    putRun: db.prepare(`INSERT INTO runs(run_number, env_id, workflow, started_ms, stopped_ms, owner, state, tasks,
        run_type, env_name, detectors, started_by, stopped_by, end_reason)
      VALUES (@runNumber, @envId, @workflow, @startedMs, @stoppedMs, @owner, @state, @tasks,
        @runType, @envName, @detectors, @startedBy, @stoppedBy, @endReason)
      ON CONFLICT(run_number) DO UPDATE SET env_id=excluded.env_id, workflow=excluded.workflow, started_ms=excluded.started_ms,
        stopped_ms=excluded.stopped_ms, owner=excluded.owner, state=excluded.state, tasks=excluded.tasks,
        run_type=excluded.run_type, env_name=excluded.env_name, detectors=excluded.detectors, started_by=excluded.started_by,
        stopped_by=excluded.stopped_by, end_reason=excluded.end_reason`),
    endRun: db.prepare(`UPDATE runs SET stopped_ms=@stoppedMs, state=@state, tasks=@tasks, stopped_by=@stoppedBy, end_reason=@endReason
      WHERE run_number=@runNumber`),
    getRun: db.prepare(`SELECT * FROM runs WHERE run_number = ?`),
    listRuns: db.prepare(`SELECT * FROM runs ORDER BY run_number DESC LIMIT ?`),
    listRunsEnv: db.prepare(`SELECT * FROM runs WHERE env_id = ? ORDER BY run_number DESC LIMIT ?`),
    putConfig: db.prepare(`INSERT INTO run_config(run_number, json) VALUES (?, ?) ON CONFLICT(run_number) DO UPDATE SET json=excluded.json`),
    getConfig: db.prepare(`SELECT json FROM run_config WHERE run_number = ?`),
    addComment: db.prepare(`INSERT INTO run_comments(run_number, user, time_ms, text) VALUES (@runNumber, @user, @timeMs, @text)`),
    listComments: db.prepare(`SELECT * FROM run_comments WHERE run_number = ? ORDER BY id`),
    putEnvRunType: db.prepare(`INSERT INTO env_run_types(env_id, run_type) VALUES (?, ?) ON CONFLICT(env_id) DO UPDATE SET run_type=excluded.run_type`),
    getEnvRunType: db.prepare(`SELECT run_type FROM env_run_types WHERE env_id = ?`),
  };
  const counter = () => Number((st.getMeta.get('run_counter') as Row | undefined)?.value ?? 0);
  // the counter in meta and the largest stored run: a number is never given twice, even when a
  // run row was written by an older controller without the counter
  const nextRunTx = db.transaction((): number => {
    const n = Math.max(counter(), (st.maxRun.get() as Row).n as number) + 1;
    st.setMeta.run('run_counter', String(n));
    return n;
  });
  return {
    async nextRunNumber() {
      return nextRunTx();
    },
    async lastRunNumber() {
      return Math.max(counter(), (st.maxRun.get() as Row).n as number);
    },
    async putRun(run) {
      st.putRun.run({
        ...run,
        runType: run.runType ?? '',
        envName: run.envName ?? '',
        detectors: run.detectors?.length ? JSON.stringify(run.detectors) : '',
        startedBy: run.startedBy ?? '',
        stoppedBy: run.stoppedBy ?? '',
        endReason: run.endReason ?? '',
      });
    },
    async listRuns(opts) {
      const limit = opts?.limit && opts.limit > 0 ? opts.limit : -1;
      const rows = (opts?.envId ? st.listRunsEnv.all(opts.envId, limit) : st.listRuns.all(limit)) as Row[];
      return rows.map(runFromRow);
    },
    async getRun(runNumber) {
      const r = st.getRun.get(runNumber) as Row | undefined;
      return r ? runFromRow(r) : null;
    },
    async endRun(runNumber, end) {
      return st.endRun.run({ runNumber, ...end }).changes > 0;
    },
    async putRunConfig(runNumber, config) {
      st.putConfig.run(runNumber, JSON.stringify(config));
    },
    async getRunConfig(runNumber) {
      const r = st.getConfig.get(runNumber) as Row | undefined;
      return r ? (JSON.parse(r.json as string) as RunConfigRecord) : null;
    },
    async addRunComment(comment) {
      st.addComment.run(comment);
    },
    async listRunComments(runNumber) {
      return (st.listComments.all(runNumber) as Row[]).map(
        (r): RunCommentRecord => ({ runNumber: r.run_number as number, user: r.user as string, timeMs: r.time_ms as number, text: r.text as string }),
      );
    },
    async putEnvRunType(envId, runType) {
      st.putEnvRunType.run(envId, runType);
    },
    async getEnvRunType(envId) {
      return ((st.getEnvRunType.get(envId) as Row | undefined)?.run_type as string) ?? '';
    },
  };
}
