// Channels at CONFIGURE: every connect is resolved to the addresses the agents allocated for the
// binds it targets, and sent to the task as arguments (docs/architecture.md, "Task processes").
// Also the environment's channel graph with live rates.
import type { ChannelGraph, ChannelEdge } from '../rpc/gen/control.js';
import type { EnvRuntime } from './model/env.js';
import type { TaskRuntime } from './model/task.js';
import { edgeRates } from './rates.js';

/** the socket type of the connecting end of a channel, from the type of its bind */
const PEER_TYPE: Record<string, string> = { push: 'pull', pull: 'push', pub: 'sub', sub: 'pub', req: 'rep', rep: 'req', pair: 'pair' };

function bindOf(env: EnvRuntime, role: string, channel: string): { task: TaskRuntime | undefined; type: string } {
  const task = env.byRole.get(role);
  const b = task?.spec.binds.find((x) => x.name === channel);
  return { task, type: b?.type ?? '' };
}

/**
 * CONFIGURE arguments of one task: its properties as is, env_id, and per channel
 * chan.<name>.bind / chan.<name>.connect (comma-separated) / chan.<name>.type.
 * `missing` collects connects whose bind has no address (its task was not launched).
 */
export function configureArgs(env: EnvRuntime, t: TaskRuntime, extra: Record<string, string>, missing?: string[]): Record<string, string> {
  const spec = t.spec;
  const args: Record<string, string> = { ...spec.properties, ...extra, env_id: env.id };
  for (const b of spec.binds) {
    const addr = t.addresses[b.name];
    if (addr) args[`chan.${b.name}.bind`] = addr;
    else missing?.push(`${t.name}:${b.name} (bind without an address)`);
    args[`chan.${b.name}.type`] = b.type;
  }
  for (const c of spec.connects) {
    const addrs: string[] = [];
    let type = '';
    for (const r of c.resolved ?? []) {
      const bind = bindOf(env, r.role, r.channel);
      const a = bind.task?.addresses[r.channel];
      if (a) addrs.push(a);
      else missing?.push(`${t.name}:${c.name} -> ${r.role}:${r.channel}`);
      if (!type) type = bind.type;
    }
    args[`chan.${c.name}.connect`] = addrs.join(',');
    // a task may bind and connect channels of the same name; the bind's type wins then
    if (!(`chan.${c.name}.type` in args)) args[`chan.${c.name}.type`] = PEER_TYPE[type] ?? type;
  }
  return args;
}

/** The channel graph: one edge per (bind, connect) pair, addresses resolved, rates live. */
export function channelGraph(env: EnvRuntime): ChannelGraph {
  const specs = env.expanded.channels ?? [];
  const bindEdges = new Map<string, number>();
  const connectEdges = new Map<string, number>();
  for (const e of specs) {
    const bk = `${e.from.role}\u0000${e.from.channel}`;
    const ck = `${e.to.role}\u0000${e.to.channel}`;
    bindEdges.set(bk, (bindEdges.get(bk) ?? 0) + 1);
    connectEdges.set(ck, (connectEdges.get(ck) ?? 0) + 1);
  }
  const edges: ChannelEdge[] = specs.map((e) => {
    const from = env.byRole.get(e.from.role);
    const to = env.byRole.get(e.to.role);
    const rates = edgeRates(
      from?.counters.find((c) => c.channel === e.from.channel),
      to?.counters.find((c) => c.channel === e.to.channel),
      bindEdges.get(`${e.from.role}\u0000${e.from.channel}`) ?? 1,
      connectEdges.get(`${e.to.role}\u0000${e.to.channel}`) ?? 1,
    );
    const addr = from?.addresses[e.from.channel] ?? '';
    return {
      from: { role: e.from.role, channel: e.from.channel, address: addr },
      to: { role: e.to.role, channel: e.to.channel, address: addr },
      type: e.type,
      msgRate: rates.msgRate,
      byteRate: rates.byteRate,
    };
  });
  return { edges };
}
