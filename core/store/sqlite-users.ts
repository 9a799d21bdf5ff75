// The users table of the SQLite store (sqlite-schema.ts, USERS_MIGRATION): the controller keeps
// its users in memory (controller/auth/users.ts) and writes every change through here.
import type Database from 'better-sqlite3';
import type { Store, UserRecord } from './store.js';

type Row = Record<string, unknown>;

export function sqliteUsers(db: Database.Database): Pick<Store, 'putUser' | 'deleteUser' | 'listUsers'> {
  const put = db.prepare(`INSERT INTO users(name, role, token_hash, created_ms, token_ms) VALUES (@name, @role, @tokenHash, @createdMs, @tokenMs)
    ON CONFLICT(name) DO UPDATE SET role=excluded.role, token_hash=excluded.token_hash, token_ms=excluded.token_ms`);
  const remove = db.prepare(`DELETE FROM users WHERE name = ?`);
  const list = db.prepare(`SELECT * FROM users ORDER BY name`);
  return {
    async putUser(user) {
      put.run(user);
    },
    async deleteUser(name) {
      remove.run(name);
    },
    async listUsers() {
      return (list.all() as Row[]).map(
        (r): UserRecord => ({
          name: r.name as string,
          role: r.role as string,
          tokenHash: r.token_hash as string,
          createdMs: r.created_ms as number,
          tokenMs: r.token_ms as number,
        }),
      );
    },
  };
}
