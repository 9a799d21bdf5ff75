// The kernel hands out local ports for outgoing connections from its ephemeral range. A port of
// the agent's range that falls inside it can be taken by any connect() on the machine between the
// agent's probe (at launch) and the task's bind (at CONFIGURE), and the task then fails with
// EADDRINUSE. Found by the chaos suite (its agents had 51000-51799: a relaunched readout's
// CONFIGURE failed once in 1,000 faults). The agent says so when it starts; it cannot prevent it.
import { ephemeralRange, RANGE_FILE } from '../../model/ephemeral-range.js';

/** the part of [min, max] inside the ephemeral range, or null */
export function ephemeralOverlap(min: number, max: number, ephemeral = ephemeralRange()): [number, number] | null {
  if (!ephemeral) return null;
  const lo = Math.max(min, ephemeral[0]),
    hi = Math.min(max, ephemeral[1]);
  return lo <= hi ? [lo, hi] : null;
}

/** the warning an agent prints at start, or null when its ports are clear of the ephemeral range */
export function ephemeralWarning(agent: string, min: number, max: number, ephemeral = ephemeralRange()): string | null {
  const overlap = ephemeralOverlap(min, max, ephemeral);
  if (!overlap || !ephemeral) return null;
  return (
    `agent ${agent}: warning: task ports ${overlap[0]}-${overlap[1]} are inside the kernel's ephemeral range ` +
    `${ephemeral[0]}-${ephemeral[1]} (${RANGE_FILE}): an outgoing connection can take one before its task binds it ` +
    `(EADDRINUSE); give the agent --ports outside that range`
  );
}
