// Which process groups still have live (non-zombie) members: the agent's one /proc scan, never
// run on its event loop. kill(-pgid, 0) answers "gone" for free and the leader's own stat answers
// "alive" with one read; only a group whose leader is dead while the kernel still knows the group
// (zombies, or children that outlive their leader) needs a scan of every /proc/<pid>/stat, about
// 1 ms each on some hosts. Run in one go once per group and poll, a kill of 1,000 tasks blocked
// the loop for a minute (docs/reliability.md). Here the scan reads a few dozen files per turn of
// the loop (readProcStats), and one scan serves every caller that asks while it runs.
import * as fs from 'node:fs';
import { readProcStat, readProcStats } from './proc.js';

/** pgid -> live (non-zombie) member count */
type GroupTable = Map<number, number>;

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
  const pids = names.filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57).map(Number);
  await readProcStats(pids, (_pid, st) => {
    if (!st) return; // gone meanwhile
    const live = st.state !== 'Z' && st.state !== 'X' ? 1 : 0;
    out.set(st.pgrp, (out.get(st.pgrp) ?? 0) + live);
  });
  return out;
}

function startScan(): Promise<GroupTable> {
  const startedAt = performance.now();
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

/** The group's leader is alive (one read): then so is the group. */
function leaderAlive(pgid: number): boolean {
  const leader = readProcStat(pgid);
  return !!leader && leader.pgrp === pgid && leader.state !== 'Z' && leader.state !== 'X';
}

/**
 * The groups among `pgids` that have a live (non-zombie) member now: kill(-pgid, 0) and the
 * leader's stat first, and one shared /proc scan, begun after this call, for the rest.
 */
export async function liveGroups(pgids: Iterable<number>): Promise<Set<number>> {
  const live = new Set<number>();
  const unknown: number[] = [];
  for (const g of pgids) {
    if (!groupAnswers(g)) continue;
    if (process.platform !== 'linux' || leaderAlive(g)) live.add(g);
    else unknown.push(g);
  }
  if (!unknown.length) return live;
  const table = await scanSince(performance.now());
  for (const g of unknown) if ((table.get(g) ?? 0) > 0) live.add(g);
  return live;
}
