// ListTasks as a query: filter (node, state, display states, search, ids), sort, and a window
// (offset/limit) over the controller's in-memory tasks, so the console's table fetches the rows
// on screen instead of every task of a 150,000-task environment. Only the window is converted to
// protobuf; the filter and sort work on the TaskRuntime objects.
import type { ListTasksReply, ListTasksRequest } from '../../rpc/gen/control.js';
import { BatonError } from '../../model/errors.js';
import { taskUnreachable } from '../agents/unreachable.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import type { TaskRuntime } from '../model/task.js';
import { taskToProto } from '../convert.js';
import { leafRangeOf } from '../tree-view.js';

/** the largest window a ListTasks with a limit may ask for */
export const MAX_TASKS_LIMIT = 5000;
/** the most task ids one ListTasks may name */
export const MAX_TASK_IDS = 1000;

export const SORT_KEYS = ['name', 'state', 'node', 'pid', 'cpu', 'memory', 'class'] as const;
export type TaskSortKey = (typeof SORT_KEYS)[number];

/** numeric-aware, case-insensitive: "sim-2" before "sim-10", as the console sorted them */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** The state the console shows for a task: LOST and UNREACHABLE over the last known state. */
export function displayStateOf(t: TaskRuntime): string {
  if (t.lost) return 'LOST';
  return taskUnreachable(t) ? 'UNREACHABLE' : t.state;
}

/**
 * An environment's tasks in name order, as ranks (rank[i] is the place of env.tasks[i]), kept per
 * environment: names never change and the task list is fixed once the environment exists, so
 * the one collator sort (about 0.3 s at 150,000 tasks) is paid once, not per call.
 */
interface NameOrder {
  size: number;
  order: TaskRuntime[];
  rank: Uint32Array;
}
const nameOrders = new WeakMap<EnvRuntime, NameOrder>();

function nameOrderOf(env: EnvRuntime): NameOrder {
  const known = nameOrders.get(env);
  if (known && known.size === env.tasks.length) return known;
  const order = [...env.tasks].sort((a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rank = new Uint32Array(env.tasks.length);
  order.forEach((t, i) => {
    rank[t.index] = i;
  });
  const made = { size: env.tasks.length, order, rank };
  nameOrders.set(env, made);
  return made;
}

/** ranks of a few distinct strings (states, nodes, classes) in collator order */
function ranksOf(values: Iterable<string>): Map<string, number> {
  const distinct = [...new Set(values)].sort(collator.compare);
  return new Map(distinct.map((v, i) => [v, i]));
}

/** a sort key as a number per task: every comparison of the sort is then numeric */
function sortValues(tasks: readonly TaskRuntime[], key: TaskSortKey): (t: TaskRuntime) => number {
  switch (key) {
    case 'pid':
      return (t) => t.pid;
    case 'cpu':
      return (t) => t.cpu;
    case 'memory':
      return (t) => t.rss;
    case 'state': {
      const shown = new Map(tasks.map((t) => [t, displayStateOf(t)]));
      const ranks = ranksOf(shown.values());
      return (t) => ranks.get(shown.get(t)!)!;
    }
    case 'node': {
      const ranks = ranksOf(tasks.map((t) => t.node));
      return (t) => ranks.get(t.node)!;
    }
    case 'class': {
      const ranks = ranksOf(tasks.map((t) => t.spec.className));
      return (t) => ranks.get(t.spec.className)!;
    }
    default:
      return () => 0;
  }
}

function badInput(message: string, where: string): BatonError {
  return new BatonError('BAD_INPUT', message, { where });
}

function checkQuery(req: ListTasksRequest): TaskSortKey {
  const sort = (req.sort || 'name') as TaskSortKey;
  if (!SORT_KEYS.includes(sort)) throw badInput(`sort ${req.sort} is not one of ${SORT_KEYS.join(', ')}`, 'sort');
  if (req.limit > MAX_TASKS_LIMIT) throw badInput(`limit ${req.limit} is over ${MAX_TASKS_LIMIT} tasks per call: page with offset`, 'limit');
  if (req.ids.length > MAX_TASK_IDS) throw badInput(`${req.ids.length} task ids: at most ${MAX_TASK_IDS} per call`, 'ids');
  return sort;
}

/** the filter of a request as one predicate (null: every task matches) */
function matcher(req: ListTasksRequest): ((t: TaskRuntime) => boolean) | null {
  const tests: ((t: TaskRuntime) => boolean)[] = [];
  if (req.node) tests.push((t) => t.node === req.node);
  if (req.state) tests.push((t) => t.state === req.state);
  if (req.states.length) {
    const states = new Set(req.states);
    tests.push((t) => states.has(displayStateOf(t)));
  }
  const q = req.search.trim().toLowerCase();
  if (q) {
    tests.push(
      (t) =>
        t.name.toLowerCase().includes(q) ||
        t.id.toLowerCase().includes(q) ||
        t.node.toLowerCase().includes(q) ||
        t.spec.className.toLowerCase().includes(q) ||
        String(t.pid) === q,
    );
  }
  if (!tests.length) return null;
  return (t) => tests.every((test) => test(t));
}

/** what the table shows of the whole environment beside its window: chips, nodes, size */
function environmentSummary(env: EnvRuntime): Pick<ListTasksReply, 'byDisplayState' | 'nodes' | 'envTasks'> {
  const byDisplayState: Record<string, number> = {};
  const nodes = new Set<string>();
  for (const t of env.tasks) {
    const s = displayStateOf(t);
    byDisplayState[s] = (byDisplayState[s] ?? 0) + 1;
    if (t.node) nodes.add(t.node);
  }
  return { byDisplayState, nodes: [...nodes].sort(collator.compare), envTasks: env.tasks.length };
}

/** The ListTasks answer: the matching tasks, sorted, the window asked for, and the totals. */
export function queryTasks(controller: ControllerCore, req: ListTasksRequest): ListTasksReply {
  const sort = checkQuery(req);
  if (req.envId && !controller.envs.has(req.envId)) {
    throw new BatonError('NOT_FOUND', `environment ${req.envId} not found`, { envId: req.envId, where: 'env_id' });
  }
  const env = req.envId ? controller.envs.get(req.envId)! : undefined;
  const envs = env ? [env] : [...controller.envs.values()];
  let matches = matcher(req);
  if (req.role) {
    if (!env) throw badInput(`role ${req.role}: name the environment (env_id) too`, 'role');
    const range = leafRangeOf(env, req.role);
    if (!range) throw new BatonError('NOT_FOUND', `environment ${env.id} has no role ${req.role}`, { envId: env.id, where: 'role' });
    const rest = matches;
    matches = (t) => t.leaf >= range.start && t.leaf < range.end && (!rest || rest(t));
  }
  let matching: TaskRuntime[] = [];
  if (req.ids.length) {
    for (const id of new Set(req.ids)) {
      const t = controller.tasks.get(id);
      if (t && (!env || t.env === env) && (!matches || matches(t))) matching.push(t);
    }
  }
  // name order comes from the kept index: no sort per call, the filter walks it in order
  for (const e of req.ids.length ? [] : envs) {
    const ordered = nameOrderOf(e).order;
    if (!matches) matching = envs.length === 1 ? ordered : matching.concat(ordered);
    else for (const t of ordered) if (matches(t)) matching.push(t);
  }
  const sorted = sortMatching(matching, sort, req.descending, envs.length === 1 && !req.ids.length);
  const total = sorted.length;
  const start = Math.min(req.offset, total);
  const end = req.limit ? Math.min(total, start + req.limit) : total;
  const tasks = [];
  for (let i = start; i < end; i++) tasks.push(taskToProto(sorted.at(i)));
  return { tasks, total, ...(env ? environmentSummary(env) : { byDisplayState: {}, nodes: [], envTasks: 0 }) };
}

/**
 * The matching tasks in the order asked for, read by position; ties by name (ascending, whatever
 * the direction), so the order stays put as values change. `inNameOrder`: the list already is in
 * name order (one environment's, from its index), read backwards for a descending name sort.
 */
function sortMatching(tasks: TaskRuntime[], key: TaskSortKey, descending: boolean, inNameOrder: boolean): { length: number; at(i: number): TaskRuntime } {
  let ascending: readonly TaskRuntime[];
  if (key === 'name') {
    ascending = inNameOrder ? tasks : [...tasks].sort((a, b) => collator.compare(a.name, b.name));
    const n = ascending.length;
    return { length: n, at: (i) => ascending[descending ? n - 1 - i : i]! };
  }
  const value = sortValues(tasks, key);
  const sign = descending ? -1 : 1;
  // the name rank breaks ties without a string compare per pair
  const keyed = tasks.map((t) => ({ t, v: value(t), n: nameOrderOf(t.env).rank[t.index]! }));
  keyed.sort((a, b) => sign * (a.v - b.v) || a.n - b.n);
  return { length: keyed.length, at: (i) => keyed[i]!.t };
}
