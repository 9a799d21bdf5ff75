// The audit trail's store, alone: what appending one record costs (one per mutating request) and
// what the audit view's reads cost on a large trail (docs/performance.md, "Audit trail").
// node dist/test/bench/audit-store.js [records]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../core/store/sqlite.js';
import type { AuditFilter } from '../../core/store/store.js';

const N = Number(process.argv[2] ?? 100_000);
const USERS = ['alice', 'bob', 'erin', 'olga'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-audit-bench-'));
const store = openSqliteStore(path.join(dir, 'controller', 'baton.db'));
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

let t = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  await store.appendAudit({
    timeMs: 1_000_000 + i * 1000,
    user: USERS[i % USERS.length]!,
    role: 'shifter',
    client: 'cli',
    method: 'ControlEnvironment',
    envId: `env-${i % 50}`,
    args: '{"transition":"DEPLOY"}',
    outcome: 'ok',
    message: '',
  });
}
const appendUs = (ms(t) * 1000) / N;
const read = async (f: AuditFilter) => {
  const t0 = process.hrtime.bigint();
  const rows = await store.listAudit(f);
  return { ms: Number(ms(t0).toFixed(1)), rows: rows.length };
};
const result = {
  records: N,
  appendUs: Number(appendUs.toFixed(1)),
  newest1000: await read({ limit: 1000 }),
  byUserAndEnv: await read({ user: 'bob', envId: 'env-7', limit: 1000 }),
  byTimeRange: await read({ sinceMs: 1_000_000 + (N / 2) * 1000, untilMs: 1_000_000 + (N / 2 + 1000) * 1000, limit: 1000 }),
};
console.log(JSON.stringify(result));
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
