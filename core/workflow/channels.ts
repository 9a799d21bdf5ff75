// Channel resolution: every connect of an enabled task is matched to the binds of enabled tasks,
// giving `resolved` on the connect and the environment's channel graph (one edge per pair).
import type { ChannelBindSpec, ChannelConnectSpec, ChannelEdgeSpec, TaskSpec } from './types.js';
import { channelOrigin } from './task.js';
import { fail, sub, type At } from './evaluate.js';
import { compileGlob, isGlob, matchGlob } from './glob.js';
import { MAX_TARGET_PATTERN } from './limits.js';

const COMPLEMENT: Record<ChannelBindSpec['type'], ChannelBindSpec['type']> = { push: 'pull', pull: 'push', pub: 'sub', sub: 'pub' };

interface BindRef {
  path: string;
  bind: ChannelBindSpec;
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function join(base: string, rel: string): string {
  return base ? (rel ? `${base}/${rel}` : base) : rel;
}

/** The bases a target is looked up from, nearest first, and the pattern under them. */
function bases(from: string, rolePart: string): { bases: string[]; pattern: string } | string {
  const parent = parentOf(from);
  if (rolePart.startsWith('/')) return { bases: [''], pattern: rolePart.replace(/^\/+/, '') };
  if (rolePart === '.' || rolePart === '..' || rolePart.startsWith('./') || rolePart.startsWith('../')) {
    let base = parent;
    let rest = rolePart;
    for (;;) {
      if (rest === '.') {
        rest = '';
        break;
      }
      if (rest.startsWith('./')) {
        rest = rest.slice(2);
        continue;
      }
      if (rest === '..' || rest.startsWith('../')) {
        if (base === '') return 'goes above the root';
        base = parentOf(base);
        rest = rest === '..' ? '' : rest.slice(3);
        continue;
      }
      break;
    }
    return { bases: [base], pattern: rest };
  }
  const out: string[] = [];
  let b = parent;
  for (;;) {
    out.push(b);
    if (b === '') break;
    b = parentOf(b);
  }
  return { bases: out, pattern: rolePart };
}

export interface ChannelProblem {
  error: Error;
}

/**
 * Resolves the connects of `tasks` (the enabled ones) in place and returns the edges. A connect
 * with no match is reported through `report` (which throws, or records for lint and goes on).
 */
export function resolveChannels(tasks: TaskSpec[], disabled: TaskSpec[], report: (e: unknown) => void): ChannelEdgeSpec[] {
  const byChannel = new Map<string, BindRef[]>();
  const exact = new Map<string, BindRef>();
  for (const t of tasks) {
    for (const b of t.binds) {
      let l = byChannel.get(b.name);
      if (!l) byChannel.set(b.name, (l = []));
      l.push({ path: t.name, bind: b });
      exact.set(`${t.name}:${b.name}`, { path: t.name, bind: b });
    }
  }
  const edges: ChannelEdgeSpec[] = [];
  for (const t of tasks) {
    for (const c of t.connects) {
      try {
        const found = resolveOne(t.name, c, byChannel, exact);
        if (typeof found === 'string') throw problem(t.name, c, found);
        if (!found.length) {
          if (c.optional) continue;
          const why = matchesDisabled(t.name, c, disabled) ? 'it matches only disabled roles' : 'no enabled role binds it';
          throw problem(t.name, c, `no bind matches target ${c.target} (${why})`);
        }
        c.resolved = found.map((r) => ({ role: r.path, channel: r.bind.name }));
        c.type = COMPLEMENT[found[0].bind.type];
        for (const r of found) edges.push({ from: { role: r.path, channel: r.bind.name }, to: { role: t.name, channel: c.name }, type: r.bind.type });
      } catch (e) {
        report(e);
      }
    }
  }
  return edges;
}

function resolveOne(from: string, c: ChannelConnectSpec, byChannel: Map<string, BindRef[]>, exact: Map<string, BindRef>): BindRef[] | string {
  const colon = c.target.lastIndexOf(':');
  const rolePart = c.target.slice(0, colon);
  const chan = c.target.slice(colon + 1);
  if (!rolePart) return `target ${c.target} names no role`;
  const b = bases(from, rolePart);
  if (typeof b === 'string') return `target ${c.target} ${b}`;
  if (b.pattern.length > MAX_TARGET_PATTERN) {
    return `target ${c.target.slice(0, 60)}... is too long (limit workflow.target: at most ${MAX_TARGET_PATTERN} characters, got ${b.pattern.length})`;
  }
  const glob = isGlob(b.pattern) ? compileGlob(b.pattern) : undefined;
  const candidates = byChannel.get(chan) ?? [];
  for (const base of b.bases) {
    if (!glob) {
      const r = exact.get(`${join(base, b.pattern)}:${chan}`);
      if (r && r.path !== from) return [r];
      continue;
    }
    const prefix = base ? base + '/' : '';
    const found = candidates.filter((r) => r.path !== from && r.path.startsWith(prefix) && matchGlob(glob, r.path.slice(prefix.length)));
    if (found.length) return found;
  }
  return [];
}

function matchesDisabled(from: string, c: ChannelConnectSpec, disabled: TaskSpec[]): boolean {
  if (!disabled.length) return false;
  const byChannel = new Map<string, BindRef[]>();
  const exact = new Map<string, BindRef>();
  for (const t of disabled)
    for (const b of t.binds) {
      const l = byChannel.get(b.name) ?? [];
      l.push({ path: t.name, bind: b });
      byChannel.set(b.name, l);
      exact.set(`${t.name}:${b.name}`, { path: t.name, bind: b });
    }
  const r = resolveOne(from, c, byChannel, exact);
  return typeof r !== 'string' && r.length > 0;
}

function problem(path: string, c: ChannelConnectSpec, message: string): unknown {
  const at: At | undefined = channelOrigin.get(c);
  const msg = `role ${path}: connect ${c.name}: ${message}`;
  if (!at) return new Error(msg);
  try {
    fail({ src: at.src, ptr: sub(at, 'target').ptr }, msg, 'channel');
  } catch (e) {
    return e;
  }
  return new Error(msg);
}
