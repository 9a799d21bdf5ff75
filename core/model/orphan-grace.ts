// How long a controlled task may go without reaching its agent before it leaves. The agent passes
// its grace to each task in BATON_ORPHAN_GRACE_MS; the Node and C SDKs read it. Long enough for a
// restarted agent to re-adopt its tasks; short enough that a task whose agent never comes back
// does not run on for days as an orphan nobody controls.
export const ORPHAN_GRACE_ENV = 'BATON_ORPHAN_GRACE_MS';
export const DEFAULT_ORPHAN_GRACE_MS = 300_000;

/** The grace in ms from the task's environment (0 = wait forever); the default when absent or unreadable. */
export function orphanGraceFrom(v: string | undefined): number {
  const n = v === undefined || v.trim() === '' ? NaN : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_ORPHAN_GRACE_MS;
}
