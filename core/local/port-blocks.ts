// The task ports of a local stack's agents. The kernel hands out local ports for outgoing
// connections from its ephemeral range (/proc/sys/net/ipv4/ip_local_port_range, 32768-60999 by
// default): a task port inside it can be taken by any connect() on the machine between the agent's
// probe at launch and the task's bind at CONFIGURE (EADDRINUSE; the agent warns of such a range,
// core/agent/process/ephemeral-ports.ts). So the agents' blocks are cut from the larger free side
// of that range within 20000-64999: below it by default (20000-32767).
import { ephemeralRange } from '../model/ephemeral-range.js';
import { BatonError } from '../model/errors.js';

/** the ports a local stack may use, when the ephemeral range leaves them free */
const PORTS_FROM = 20000;
const PORTS_TO = 64999;
/** an agent's block: up to this many ports, at least MIN_BLOCK */
const MAX_BLOCK = 1000;
const MIN_BLOCK = 10;

/** the ports [from, to] for the agents: the larger part of 20000-64999 outside the ephemeral range */
export function localPortSpan(ephemeral: [number, number] | null): [number, number] {
  if (!ephemeral) return [PORTS_FROM, PORTS_TO];
  const below: [number, number] = [PORTS_FROM, Math.min(PORTS_TO, ephemeral[0] - 1)];
  const above: [number, number] = [Math.max(PORTS_FROM, ephemeral[1] + 1), PORTS_TO];
  const size = (r: [number, number]) => Math.max(0, r[1] - r[0] + 1);
  return size(below) >= size(above) ? below : above;
}

/**
 * Each agent's block of ports (up to 1,000), disjoint, from a random first block so that two
 * stacks on one machine rarely probe the same ports: `ranges[i]` is agent i+1's [min, max].
 */
export function agentPortBlocks(nAgents: number, ephemeral = ephemeralRange(), random = Math.random): Array<[number, number]> {
  const [from, to] = localPortSpan(ephemeral);
  const span = to - from + 1;
  const count = Math.max(1, nAgents);
  const block = Math.min(MAX_BLOCK, Math.floor(span / count));
  if (block < MIN_BLOCK) {
    throw new BatonError('BAD_INPUT', `--agents ${nAgents}: too many agents for the ports ${from}-${to} (outside the kernel's ephemeral range)`, {
      where: '--agents',
    });
  }
  const blocks = Math.floor(span / block);
  const first = Math.floor(random() * (blocks - count + 1));
  return Array.from({ length: nAgents }, (_, i) => {
    const lo = from + (first + i) * block;
    return [lo, lo + block - 1] as [number, number];
  });
}
