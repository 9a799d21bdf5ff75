// The console store (zustand). Lists and details come from the API; the event stream keeps them
// current through applyEvents (incremental). Components select narrowly so that a task's change
// re-renders that task's row, not the page.
import { create } from 'zustand';
import type { AwaitingReap, Environment, Event, Info, Node, Run, Task, Template } from '../../../core/rpc/gen/control.js';
import { applyEvents } from './events.js';
import { mergeProgress } from './progress.js';
import { addReaps } from './reaps.js';
import type { Connection, DataState, Effect, Notice, Progress, Theme } from './types.js';

export const NODE_HISTORY = 300;
export const NOTICE_CAP = 6;

export interface ConsoleState extends DataState {
  connection: Connection;
  notices: Notice[];
  theme: Theme;
  cheatSheetOpen: boolean;
  /** time the current stream started: older events are replayed history */
  liveSinceMs: number;

  applyEvents(batch: readonly Event[]): Effect[];
  setInfo(info: Info): void;
  setEnvs(list: Environment[]): void;
  /** from GetEnvironment: replaces its tasks (when present) and its tree/graph */
  upsertEnv(env: Environment): void;
  removeEnv(id: string): void;
  setTasks(envId: string, tasks: Task[]): void;
  upsertTask(task: Task): void;
  setProgress(envId: string, p: Progress | null): void;
  /** the transition this page ran was answered: its bar goes, and stays gone (store/progress.ts) */
  transitionAnswered(envId: string, endSeq: number): void;
  setNodes(nodes: Node[], nowMs: number): void;
  /** from a DestroyEnvironment reply: tasks left running on nodes whose agent was away */
  addAwaitingReap(items: readonly AwaitingReap[]): void;
  setRuns(runs: Run[]): void;
  setTemplates(t: Template[]): void;
  setConnection(patch: Partial<Connection>): void;
  notify(n: Omit<Notice, 'id'>): void;
  dismiss(id: number): void;
  setTheme(t: Theme): void;
  setCheatSheet(open: boolean): void;
  setLiveSince(ms: number): void;
}

let noticeId = 0;

export function initialData(): DataState {
  return {
    info: undefined,
    envs: new Map(),
    envTaskIds: new Map(),
    tasks: new Map(),
    details: new Map(),
    progress: new Map(),
    transitionsAnswered: new Map(),
    transitionsEnded: new Set(),
    events: [],
    lastSeq: 0,
    nodes: new Map(),
    nodeHistory: new Map(),
    awaitingReap: new Map(),
    runs: [],
    templates: [],
  };
}

function stripHeavy(e: Environment): Environment {
  return { ...e, tasks: [], root: undefined, graph: undefined };
}

export const createConsoleStore = (theme: Theme = 'light') =>
  create<ConsoleState>()((set, get) => ({
    ...initialData(),
    connection: { status: 'connecting', lastSeq: 0, attempt: 0, sinceMs: Date.now() },
    notices: [],
    theme,
    cheatSheetOpen: false,
    liveSinceMs: Date.now(),

    applyEvents(batch) {
      if (!batch.length) return [];
      const s = get();
      const { next, effects } = applyEvents(s, batch, { liveSinceMs: s.liveSinceMs });
      set({ ...next, connection: { ...s.connection, lastSeq: next.lastSeq ?? s.lastSeq } });
      return effects;
    },
    setInfo(info) {
      set({ info });
    },
    setEnvs(list) {
      const prev = get().envs;
      const known = get().envTaskIds;
      const progress = get().progress;
      const envs = new Map<string, Environment>();
      for (const listed of list) {
        const old = prev.get(listed.id);
        // An environment whose tasks this page holds keeps the counts that go with them (taken
        // with them from GetEnvironment, then moved by each task event): the list's counts are a
        // snapshot of another moment, and adding the events it already includes counted tasks
        // twice during a transition (10000 tasks, 19200 RUNNING).
        let e = old?.counts && known.has(listed.id) ? { ...listed, counts: old.counts } : listed;
        // A list fetched before a transition's end event may still name the transition: it
        // ended here already (no progress left), so the bar does not come back as "starting…".
        // A transition that begins is announced by its begin event, which sets both again.
        if (e.transition && old && !old.transition && !progress.has(e.id)) e = { ...e, transition: '' };
        // keep the object when nothing the list shows changed: rows stay put
        envs.set(
          e.id,
          old &&
            old.updatedMs === e.updatedMs &&
            old.state === e.state &&
            JSON.stringify(old.counts) === JSON.stringify(e.counts) &&
            old.runNumber === e.runNumber &&
            old.transition === e.transition &&
            old.degraded === e.degraded &&
            old.unreachableNodes.join() === e.unreachableNodes.join()
            ? old
            : stripHeavy(e),
        );
      }
      set({ envs });
    },
    upsertEnv(env) {
      const s = get();
      const envs = new Map(s.envs);
      envs.set(env.id, stripHeavy(env));
      const patch: Partial<ConsoleState> = { envs };
      if (env.root || env.graph) {
        const details = new Map(s.details);
        details.set(env.id, { root: env.root, graph: env.graph, fetchedMs: Date.now() });
        patch.details = details;
      }
      set(patch);
      if (env.tasks.length) get().setTasks(env.id, env.tasks);
    },
    removeEnv(id) {
      const s = get();
      const envs = new Map(s.envs);
      envs.delete(id);
      set({ envs });
    },
    setTasks(envId, list) {
      const s = get();
      const tasks = new Map(s.tasks);
      for (const id of s.envTaskIds.get(envId) ?? []) tasks.delete(id);
      const ids: string[] = [];
      for (const t of list) {
        const old = s.tasks.get(t.id);
        // identity is kept for tasks whose visible fields did not change (no row re-render)
        tasks.set(t.id, old && sameTask(old, t) ? old : t);
        ids.push(t.id);
      }
      const envTaskIds = new Map(s.envTaskIds);
      envTaskIds.set(envId, ids);
      set({ tasks, envTaskIds });
    },
    upsertTask(task) {
      const tasks = new Map(get().tasks);
      tasks.set(task.id, task);
      set({ tasks });
    },
    setProgress(envId, p) {
      const s = get();
      if (p && p.phase !== 'begin' && s.transitionsEnded.has(envId)) return;
      const progress = new Map(s.progress);
      if (p) progress.set(envId, mergeProgress(progress.get(envId), p));
      else progress.delete(envId);
      const patch: Partial<ConsoleState> = { progress };
      if (p?.phase === 'begin' && s.transitionsEnded.has(envId)) {
        const ended = new Set(s.transitionsEnded);
        ended.delete(envId);
        patch.transitionsEnded = ended;
      }
      set(patch);
    },
    transitionAnswered(envId, endSeq) {
      const s = get();
      const progress = new Map(s.progress);
      progress.delete(envId);
      const transitionsAnswered = new Map(s.transitionsAnswered);
      transitionsAnswered.set(envId, endSeq);
      const patch: Partial<ConsoleState> = { progress, transitionsAnswered };
      // the answer is the transition's end for this page (its end event, coming after, changes
      // nothing): the refresh it asks for is not held by a big tree's gap for a transition under
      // way (at 150,000 tasks the graph showed the tasks STANDBY for 7.5 s after an EXIT's answer)
      const env = s.envs.get(envId);
      if (env?.transition) {
        const envs = new Map(s.envs);
        envs.set(envId, { ...env, transition: '' });
        patch.envs = envs;
      }
      set(patch);
    },
    setNodes(list, nowMs) {
      const s = get();
      const nodes = new Map<string, Node>();
      const nodeHistory = new Map(s.nodeHistory);
      for (const n of list) {
        nodes.set(n.name, n);
        const h = nodeHistory.get(n.name) ?? [];
        const sample = { t: nowMs, cpu: n.cpu, memUsed: n.memUsed, memTotal: n.memTotal };
        nodeHistory.set(n.name, h.length >= NODE_HISTORY ? [...h.slice(1 - NODE_HISTORY), sample] : [...h, sample]);
      }
      set({ nodes, nodeHistory });
    },
    addAwaitingReap(items) {
      set({ awaitingReap: addReaps(get().awaitingReap, items) });
    },
    setRuns(runs) {
      set({ runs });
    },
    setTemplates(templates) {
      set({ templates });
    },
    setConnection(patch) {
      set({ connection: { ...get().connection, ...patch } });
    },
    notify(n) {
      const notices = [...get().notices, { ...n, id: ++noticeId }];
      set({ notices: notices.slice(-NOTICE_CAP) });
    },
    dismiss(id) {
      set({ notices: get().notices.filter((n) => n.id !== id) });
    },
    setTheme(theme) {
      set({ theme });
    },
    setCheatSheet(cheatSheetOpen) {
      set({ cheatSheetOpen });
    },
    setLiveSince(liveSinceMs) {
      set({ liveSinceMs });
    },
  }));

function sameTask(a: Task, b: Task): boolean {
  return (
    a.state === b.state &&
    a.pid === b.pid &&
    a.cpu === b.cpu &&
    a.rssBytes === b.rssBytes &&
    a.node === b.node &&
    a.lost === b.lost &&
    a.unreachable === b.unreachable &&
    a.included === b.included &&
    a.restarts === b.restarts &&
    a.exit?.exited === b.exit?.exited &&
    a.error?.code === b.error?.code &&
    JSON.stringify(a.counters) === JSON.stringify(b.counters)
  );
}

export type ConsoleStore = ReturnType<typeof createConsoleStore>;
