// Run summaries in SQLite (the run_summaries table, sqlite-schema.ts' RUN_SUMMARY_MIGRATION,
// applied by sqlite.ts): the two Store methods sqlite.ts spreads into its Store.
import type Database from 'better-sqlite3';
import type { RunSummaryRecord, Store } from './store.js';

export function sqliteRunSummaries(db: Database.Database): Pick<Store, 'putRunSummary' | 'getRunSummary'> {
  const put = db.prepare(`INSERT INTO run_summaries(run_number, json) VALUES (?, ?) ON CONFLICT(run_number) DO UPDATE SET json=excluded.json`);
  const get = db.prepare(`SELECT json FROM run_summaries WHERE run_number = ?`);
  return {
    async putRunSummary(runNumber, summary) {
      put.run(runNumber, JSON.stringify(summary));
    },
    async getRunSummary(runNumber) {
      const row = get.get(runNumber) as { json: string } | undefined;
      return row ? (JSON.parse(row.json) as RunSummaryRecord) : null;
    },
  };
}
