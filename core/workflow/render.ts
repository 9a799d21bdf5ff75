// What `baton template render` prints: the expanded tree, the tasks, the channel graph and the
// hook schedule. Placements are added by the controller (`placements`, filled in by it).
import type { ChannelEdgeSpec, ExpandedWorkflow, HookSpec, RoleNode, TaskSpec, VarSpec } from './types.js';
import { orderHooks } from './hooks.js';

export interface RenderPlan {
  workflow: { name: string; description: string; repo: string; revision: string; file: string };
  vars: Record<string, unknown>;
  varSpecs: VarSpec[];
  counts: { roles: number; tasks: number; disabledRoles: number; hooks: number; channels: number };
  tree: RoleNode;
  tasks: TaskSpec[];
  channels: {
    /** roles that bind or connect, with their channels */
    nodes: { role: string; binds: string[]; connects: string[] }[];
    edges: ChannelEdgeSpec[];
  };
  /** ordered by trigger (transition order; before, leave, enter, after), then weight */
  hooks: (HookSpec & { at: string })[];
  /** task name -> node; empty here, the controller fills it in for a dry run with placement */
  placements: Record<string, string>;
}

export function renderPlan(w: ExpandedWorkflow): RenderPlan {
  let roles = 0;
  let disabled = 0;
  const walk = (n: RoleNode) => {
    roles++;
    if (!n.enabled) disabled++;
    n.children.forEach(walk);
  };
  w.root.children.forEach(walk);
  const nodes = w.tasks
    .filter((t) => t.binds.length || t.connects.length)
    .map((t) => ({ role: t.name, binds: t.binds.map((b) => b.name), connects: t.connects.map((c) => c.name) }));
  return {
    workflow: { name: w.name, description: w.description, repo: w.repo, revision: w.revision, file: w.file },
    vars: w.vars,
    varSpecs: w.varSpecs,
    counts: { roles, tasks: w.tasks.length, disabledRoles: disabled, hooks: w.hooks.length, channels: w.channels.length },
    tree: w.root,
    tasks: w.tasks,
    channels: { nodes, edges: w.channels },
    hooks: orderHooks(w.hooks).map((h) => ({ ...h, at: `${h.trigger.when}_${h.trigger.transition}` })),
    placements: {},
  };
}

/** A plain-text rendering of a plan (the CLI's default output). Long lists are elided. */
export function renderText(p: RenderPlan, opts: { maxChildren?: number } = {}): string {
  const max = opts.maxChildren ?? 20;
  const tasks = new Map(p.tasks.map((t) => [t.name, t]));
  const lines: string[] = [];
  lines.push(`workflow ${p.workflow.name}${p.workflow.revision ? ` @ ${p.workflow.revision.slice(0, 12)}` : ''}  (${p.workflow.file})`);
  if (p.workflow.description) lines.push(`  ${p.workflow.description}`);
  const vars = Object.entries(p.vars).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  if (vars.length) lines.push(`vars: ${vars.join(' ')}`);
  lines.push(
    `${p.counts.tasks} tasks, ${p.counts.roles} roles (${p.counts.disabledRoles} disabled), ${p.counts.channels} channel edges, ${p.counts.hooks} hooks`,
  );
  lines.push('', 'tree:');
  const show = (n: RoleNode, depth: number) => {
    const pad = '  '.repeat(depth + 1);
    const flags = [n.kind, n.critical ? 'critical' : 'non-critical', n.enabled ? '' : 'DISABLED', n.nmin !== undefined ? `nmin=${n.nmin}` : '']
      .filter(Boolean)
      .join(', ');
    const t = n.task ? tasks.get(n.task) : undefined;
    const extra = t
      ? `  class ${t.className}${
          Object.keys(t.constraints).length
            ? ` on ${Object.entries(t.constraints)
                .map(([k, v]) => `${k}=${v}`)
                .join(',')}`
            : ''
        }${p.placements[t.name] ? ` -> ${p.placements[t.name]}` : ''}`
      : '';
    lines.push(`${pad}${n.name}  [${flags}]${extra}`);
    n.children.slice(0, max).forEach((c) => show(c, depth + 1));
    if (n.children.length > max) lines.push(`${pad}  ... ${n.children.length - max} more`);
  };
  p.tree.children.forEach((c) => show(c, 0));
  if (p.channels.edges.length) {
    lines.push('', 'channels:');
    for (const e of p.channels.edges.slice(0, max * 5)) lines.push(`  ${e.from.role}:${e.from.channel} -> ${e.to.role}:${e.to.channel}  (${e.type})`);
    if (p.channels.edges.length > max * 5) lines.push(`  ... ${p.channels.edges.length - max * 5} more`);
  }
  if (p.hooks.length) {
    lines.push('', 'hooks:');
    for (const h of p.hooks)
      lines.push(
        `  ${h.at}  weight ${h.weight}  ${h.name}: ${h.func}  timeout ${h.timeoutMs}ms${h.critical ? ', critical' : ''}${h.await ? `, await ${h.await}` : ''}`,
      );
  }
  return lines.join('\n');
}
