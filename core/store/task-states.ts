// The compact form of an environment's task states: one character per task, in the order of the
// expanded workflow's tasks. One write of ~150 KB replaces 150k row updates on a transition. The
// controller keeps it as bytes updated with each change (controller/model/env.ts).
const CODE: Record<string, number> = { STANDBY: 83 /* S */, CONFIGURED: 67 /* C */, RUNNING: 82 /* R */, ERROR: 69 /* E */, DONE: 68 /* D */ };
const STATE: Record<string, string> = { S: 'STANDBY', C: 'CONFIGURED', R: 'RUNNING', E: 'ERROR', D: 'DONE' };

/** The byte of one task in the vector: lost tasks get the lower-case letter; an unknown state is '?'. */
export function taskStateCode(state: string, lost: boolean): number {
  const c = CODE[state] ?? 63;
  return lost && c !== 63 ? c + 32 : c;
}

/** the state and lost flag at index i, or null for '?' or past the end */
export function decodeTaskState(vector: string, i: number): { state: string; lost: boolean } | null {
  const ch = vector[i];
  if (!ch || ch === '?') return null;
  const upper = ch.toUpperCase();
  const state = STATE[upper];
  return state ? { state, lost: ch !== upper } : null;
}
