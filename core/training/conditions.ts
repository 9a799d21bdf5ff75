// Whether a step's live condition holds, and what it is waiting for in words (the side panel and
// the terminal say "waiting for: ..."). Events count only from the step's start.
import type { Event, Task } from '../rpc/gen/control.js';
import type { LiveView } from './live.js';
import type { Condition } from './types.js';
import { describeLeader, leaderHolds } from './leader.js';

export interface Placeholders {
  env: string;
  run: number;
  last_run: number;
  /** a cluster stack's leading controller (leader.ts) */
  leader?: string;
}

export function substitute(text: string, p: Placeholders): string {
  return text.replace(/\{\{\s*(env|run|last_run|leader)\s*\}\}/g, (_m, k: keyof Placeholders) => String(p[k] ?? ''));
}

export function placeholdersOf(view: LiveView): Placeholders {
  return { env: view.env.id, run: view.env.runNumber ?? 0, last_run: view.lastRun, leader: view.cluster?.leader };
}

/** the task of a role path (a task role's path is its name) */
export function taskOf(view: LiveView, role: string): Task | undefined {
  return view.env.tasks.find((t) => t.role === role || t.name === role);
}

/** the node of a role's task, or the one it was last seen on (its environment ended) */
export function nodeNameOf(view: LiveView, role: string): string | undefined {
  return taskOf(view, role)?.node || view.placed[role];
}

export interface CheckInput {
  view: LiveView;
  /** events seen since the step began */
  events: readonly Event[];
  /** what the trainee answered in this step, if anything */
  answer?: string;
}

/** true when the condition holds now */
export function holds(c: Condition, input: CheckInput): boolean {
  const { view } = input;
  if ('all' in c) return c.all.every((x) => holds(x, input));
  if ('any' in c) return c.any.some((x) => holds(x, input));
  if ('controller' in c) return view.controllerUp === c.controller.up;
  // while the controller does not answer nothing about the environment is known
  if (!view.controllerUp && !('answer' in c)) return false;
  if ('leader' in c) return leaderHolds(c, view.cluster);
  if ('hold' in c) {
    const holder = view.env.holder;
    if (c.hold.free !== undefined && !holder !== c.hold.free) return false;
    if (c.hold.mine !== undefined && (holder === view.me) !== c.hold.mine) return false;
    if (c.hold.by !== undefined && holder !== c.hold.by) return false;
    return true;
  }
  if ('env' in c) {
    const e = view.env;
    if (c.env.state !== undefined && (e.state !== c.env.state || e.transition)) return false;
    if (c.env.run === 'open' && !e.runNumber) return false;
    if (c.env.run === 'none' && e.runNumber) return false;
    if (c.env.degraded !== undefined && e.degraded !== c.env.degraded) return false;
    return true;
  }
  if ('task' in c) {
    const t = taskOf(view, c.task.role);
    if (!t) return false;
    if (c.task.state !== undefined && t.state !== c.task.state) return false;
    if (c.task.included !== undefined && t.included !== c.task.included) return false;
    if (c.task.restarted !== undefined && t.restarts > 0 !== c.task.restarted) return false;
    if (c.task.lost !== undefined && t.lost !== c.task.lost) return false;
    return true;
  }
  if ('node' in c) {
    const name = nodeNameOf(view, c.node.of);
    const n = name && view.nodes.find((x) => x.name === name);
    if (!n) return false;
    if (c.node.up !== undefined && n.up !== c.node.up) return false;
    if (c.node.suspect !== undefined && n.suspect !== c.node.suspect) return false;
    if (c.node.schedule !== undefined && (n.schedule || 'ready') !== c.node.schedule) return false;
    return true;
  }
  if ('event' in c) {
    const re = c.event.text === undefined ? null : new RegExp(substitute(c.event.text, placeholdersOf(view)));
    return input.events.some((e) => e.kind === c.event.kind && (!re || re.test(e.message)));
  }
  const expect = new RegExp(`^(?:${substitute(c.answer.expect, placeholdersOf(view))})$`, 'i');
  return input.answer !== undefined && expect.test(input.answer.trim());
}

/** the condition in words, for "waiting for: ..." */
export function describe(c: Condition): string {
  if ('all' in c) return c.all.map(describe).join(' and ');
  if ('any' in c) return c.any.map(describe).join(' or ');
  if ('env' in c) {
    const parts = [c.env.state && `the environment ${c.env.state}`, c.env.run && (c.env.run === 'open' ? 'a run open' : 'no run open')];
    if (c.env.degraded !== undefined) parts.push(c.env.degraded ? 'the environment degraded' : 'the environment not degraded');
    return parts.filter(Boolean).join(', ');
  }
  if ('task' in c) {
    const parts = [c.task.state, c.task.included === false ? 'excluded' : c.task.included ? 'included' : '', c.task.restarted ? 'restarted' : ''];
    return `task ${c.task.role} ${parts.filter(Boolean).join(', ') || 'present'}`;
  }
  if ('node' in c) {
    const how = c.node.schedule ?? (c.node.up === false ? 'down' : c.node.suspect ? 'SUSPECT' : 'up');
    return `the node of ${c.node.of} ${how}`;
  }
  if ('controller' in c) return c.controller.up ? 'the controller answering' : 'the controller gone';
  if ('leader' in c) return describeLeader(c);
  if ('hold' in c)
    return c.hold.free ? 'the environment free' : c.hold.mine ? 'the environment held by you' : `the environment held by ${c.hold.by ?? 'someone'}`;
  if ('event' in c) return `an event ${c.event.kind}${c.event.text ? ` saying /${c.event.text}/` : ''}`;
  return `the answer to "${c.answer.question}"`;
}

/** the question the step asks the trainee, if its condition has one */
export function questionOf(c: Condition): string | null {
  if ('answer' in c) return c.answer.question;
  if ('all' in c) return c.all.map(questionOf).find((q) => q) ?? null;
  if ('any' in c) return c.any.map(questionOf).find((q) => q) ?? null;
  return null;
}
