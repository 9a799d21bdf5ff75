// Whether a process group still has live (non-zombie) members, without starving the agent's event
// loop. kill(-pgid, 0) answers "gone" for free and the leader's own stat answers "alive" with one
// read; only a group whose leader is dead while the kernel still knows the group (zombies, or
// children that outlive their leader) needs a /proc scan. That scan reads every /proc/<pid>/stat,
// about 1 ms each on some hosts: run synchronously once per group and poll, a kill of 1,000 tasks
// blocked the loop for a minute (docs/reliability.md). Here it is read asynchronously, and one
// scan serves every group asked about while it runs.
import * as fs from 'node:fs';
import { parseProcStat, readProcStat } from './proc.js';

/** pgid -> live (non-zombie) member count */
type GroupTable = Map<number, number>;

const READ_CONCURRENCY = 16;

let inflight: { startedAt: number; table: Promise<GroupTable> } | null = null;
let queued: Promise<GroupTable> | null = null;
let last: { startedAt: number; table: GroupTable } | null = null;

async function scan(): Promise<GroupTable> {
  const out: GroupTable = new Map();
  let names: string[];
  try {
    names = await fs.promises.readdir('/proc');
  } catch {
    return out;
  }
  const pids = names.filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57);
  let next = 0;
  const worker = async () => {
    while (next < pids.length) {
      const pid = pids[next++]!;
      let text: string;
      try {
        text = await fs.promises.readFile(`/proc/${pid}/stat`, 'latin1');
      } catch {
        continue; // gone meanwhile
      }
      const st = parseProcStat(text);
      if (!st) continue;
      const live = st.state !== 'Z' && st.state !== 'X' ? 1 : 0;
      out.set(st.pgrp, (out.get(st.pgrp) ?? 0) + live);
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  return out;
}

function startScan(): Promise<GroupTable> {
  const startedAt = Date.now();
  const table = scan()
    .then((t) => {
      last = { startedAt, table: t };
      return t;
    })
    .finally(() => {
      if (inflight?.table === table) inflight = null;
    });
  inflight = { startedAt, table };
  return table;
}

/** A /proc scan that started at `since` or later (shared with every other caller that wants it). */
function scanSince(since: number): Promise<GroupTable> {
  if (last && last.startedAt >= since) return Promise.resolve(last.table);
  if (inflight && inflight.startedAt >= since) return inflight.table;
  if (!inflight) return startScan();
  // the scan under way began too early for this caller: it and all later ones share the next
  queued ??= inflight.table
    .catch(() => undefined)
    .then(() => {
      queued = null;
      return startScan();
    });
  return queued;
}

/** kill(-pgid, 0): false only when no process, not even a zombie, is left in the group (cheap) */
export function groupAnswers(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Whether the group has a live member now (async: never blocks the loop on a /proc scan). */
export async function groupAliveSoon(pgid: number): Promise<boolean> {
  if (!groupAnswers(pgid)) return false;
  if (process.platform !== 'linux') return true;
  const leader = readProcStat(pgid);
  if (leader && leader.pgrp === pgid && leader.state !== 'Z' && leader.state !== 'X') return true;
  const since = Date.now();
  const table = await scanSince(since);
  return (table.get(pgid) ?? 0) > 0;
}

/** The same, synchronous, for callers that cannot wait: the leader answers when it is alive. */
export function leaderAlive(pgid: number): boolean | null {
  if (process.platform !== 'linux') return null;
  const leader = readProcStat(pgid);
  if (leader && leader.pgrp === pgid && leader.state !== 'Z' && leader.state !== 'X') return true;
  return null; // unknown: the group may live on without its leader
}
