// The kernel's ephemeral port range: where it hands out local ports for outgoing connections. A
// task port inside it can be taken by any connect() on the machine between an agent's probe and
// the task's bind (EADDRINUSE). Read by the agent (a warning at start) and by `baton local up`
// (which cuts its agents' port blocks outside it).
import * as fs from 'node:fs';

export const RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/** the kernel's ephemeral port range, or null where it cannot be read (not Linux) */
export function ephemeralRange(file = RANGE_FILE): [number, number] | null {
  try {
    const [lo, hi] = fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(lo) && Number.isInteger(hi) ? [lo!, hi!] : null;
  } catch {
    return null;
  }
}
