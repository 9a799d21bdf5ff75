// Signals to a task's process group and waiting until the whole group is gone. Zombies do not
// count as alive: an orphan whose reaper is slow must not make a kill look failed.
import { groupMembers } from './proc.js';
import { groupAliveSoon, groupAnswers, leaderAlive } from './group-scan.js';

export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function groupAlive(pgid: number): boolean {
  if (!groupAnswers(pgid)) return false;
  if (process.platform !== 'linux') return true;
  // a live leader answers with one read; the /proc scan only when the group outlives it
  return leaderAlive(pgid) ?? groupMembers(pgid).length > 0;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until the group has no live member or `ms` passed; true when it is gone. */
export async function waitGroupGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  let step = 10;
  for (;;) {
    // kill(-pgid, 0) first, then the leader's stat; a /proc scan (async, shared by every group
    // waited for at the time) only while the group outlives its leader
    if (!(await groupAliveSoon(pgid))) return true;
    if (Date.now() >= until) return false;
    await sleep(step);
    step = Math.min(step * 2, 100);
  }
}

/**
 * SIGTERM to the group, SIGKILL after termMs, then wait until nothing of the group is left.
 * Returns the last signal sent ('' when the group was already gone).
 */
export async function termThenKill(pgid: number, termMs: number): Promise<string> {
  if (!groupAlive(pgid)) return '';
  signalGroup(pgid, 'SIGTERM');
  if (await waitGroupGone(pgid, termMs)) return 'SIGTERM';
  return killGroupNow(pgid);
}

export async function killGroupNow(pgid: number): Promise<string> {
  for (let i = 0; i < 50; i++) {
    signalGroup(pgid, 'SIGKILL');
    if (await waitGroupGone(pgid, 200)) return 'SIGKILL';
  }
  return 'SIGKILL';
}
