// Fetching from the API into the store, throttled: the event stream asks for refreshes often,
// the API is asked at most once per interval per resource (and a refresh asked during a fetch
// runs once more after it).
import { call } from '../api/client.js';
import type { ConsoleStore } from '../store/store.js';
import { DEFAULT_GRAPH_OPTIONS } from '../features/graph/model.js';

type Fetcher = () => Promise<void>;

/** the least time between two refreshes of a watched environment whose role tree is fetched: 1 s
 * up to 20,000 tasks, then 1 s per 20,000 (7.5 s at 150,000); without the tree (counts only) 1 s */
export function fullRefetchGapMs(tasks: number): number {
  return Math.max(1000, tasks / 20);
}

function throttled(f: Fetcher, minGapMs: number): Fetcher {
  let running: Promise<void> | null = null;
  let again = false;
  let last = 0;
  const run = async (): Promise<void> => {
    const wait = last + minGapMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    last = Date.now();
    try {
      await f();
    } catch {
      /* the connection badge reports failures; the next refresh retries */
    }
  };
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await run();
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
}

export interface Sync {
  envs: Fetcher;
  env(id: string): Promise<void>;
  /** the environment page's first fetch (the environment with its counts; the tree when a view
   * wants it): rejects with the call's error (NOT_FOUND) for the page to show; refreshes asked
   * while it is on its way wait for it (one after it) */
  load(id: string): Promise<void>;
  /** a view that draws the role tree (graph, overview) is open: refreshes fetch the tree too, and
   * the first one comes at once when the store has none; returns the release */
  wantTree(id: string): () => void;
  runs: Fetcher;
  nodes: Fetcher;
  templates: Fetcher;
  /** environments whose page is open: their counts (and tree, when wanted) are kept fresh */
  watch(id: string): () => void;
  watched(id: string): boolean;
}

interface EnvFetcher {
  refresh: Fetcher;
  load(): Promise<void>;
  wantTree(): () => void;
}

function createEnvFetcher(id: string, s: () => ReturnType<ConsoleStore['getState']>): EnvFetcher {
  // the page never takes every task (150,000 of them are 80 MB of JSON): the environment with its
  // counts, and the role tree only while a view draws it; the task table fetches its own rows,
  // a window at a time (features/tasks/taskWindow.ts)
  let treeViews = 0;
  // a container of more tasks than the graph draws nodes comes collapsed (its count and states):
  // the graph would only show it as one group, and 150,000 task roles are 24 MB
  const fetchEnv = () => call('GetEnvironment', { id, withTasks: false, withTree: treeViews > 0, treeLeafLimit: DEFAULT_GRAPH_OPTIONS.maxNodes });
  // the role tree is about a third of the old reply's bytes: the bigger the environment, the less
  // often it is refetched (a transition asks for a refresh with every agent's batch); counts alone
  // come at most once a second. Counts come only from these replies, never moved by events on the
  // page: a snapshot of the server is never wrong (events applied on top of a snapshot that already
  // had them counted tasks twice: 13,000 CONFIGURED of 10,000)
  const full = throttled(async () => {
    try {
      s().upsertEnv(await fetchEnv());
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') s().removeEnv(id);
      throw e;
    }
  }, 1000);
  let lastFull = 0;
  let afterLoad: Promise<void> | null = null;
  /** the one refresh waiting for its gap to pass, and whoever waits for it */
  let due: { at: number; timer: ReturnType<typeof setTimeout>; waiting: Array<() => void> } | null = null;
  let loading: Promise<void> | null = null;
  /** a fetch now also serves the refresh waiting for its gap (and those waiting for it) */
  const runFull = () => {
    lastFull = Date.now();
    const waiting = due?.waiting ?? [];
    if (due) clearTimeout(due.timer);
    due = null;
    const fetched = full();
    if (waiting.length)
      void fetched.finally(() => {
        for (const w of waiting) w();
      });
    return fetched;
  };
  /** one refresh at `at` for every request until then; an earlier `at` moves it forward */
  const refreshAt = (at: number): Promise<void> => {
    const done = new Promise<void>((resolve) => {
      if (due && due.at <= at) {
        due.waiting.push(resolve);
        return;
      }
      const waiting = due?.waiting ?? [];
      if (due) clearTimeout(due.timer);
      waiting.push(resolve);
      const timer = setTimeout(() => void runFull(), at - Date.now());
      due = { at, timer, waiting };
    });
    return done;
  };
  const refresh = (): Promise<void> => {
    // the page's first fetch is on its way: one refresh after it (for what changed meanwhile),
    // not a second full list beside it (events replayed when the page connects ask for one: the
    // controller, gateway and page then built, sent and parsed the whole environment twice)
    if (loading) {
      afterLoad ??= loading.then(() => {
        afterLoad = null;
        return refresh();
      });
      return afterLoad;
    }
    // the long gap of a big tree is for a transition under way (every agent's batch asks for a
    // refresh); once it is over, its end is fetched within the usual second, not up to 7.5 s later
    // at 150,000 tasks with the tree showing the transition half done meanwhile
    const env = s().envs.get(id);
    const size = treeViews > 0 && env?.transition ? (env.counts?.total ?? 0) : 0;
    const at = lastFull + fullRefetchGapMs(size);
    if (at <= Date.now()) return runFull();
    // one refresh once the gap is over, for every request within it: the last change is never missed
    return refreshAt(at);
  };
  const load = (): Promise<void> => {
    lastFull = Date.now();
    const request = fetchEnv().then((e) => s().upsertEnv(e));
    const settled = request.then(
      () => {},
      () => {},
    );
    loading = settled;
    void settled.then(() => {
      if (loading === settled) loading = null;
    });
    return request;
  };
  const wantTree = (): (() => void) => {
    treeViews += 1;
    const askedMs = Date.now();
    // a view that draws the tree opened: nothing more when the first fetch (asked in the same
    // render, so awaited here) brings it; else at once (within the throttle's second), whatever
    // the refetch gap: a tree from an earlier visit or from the middle of a transition is behind
    // the environment (a graph of 150,000 tasks opened after a cycle showed them mid-EXIT until
    // the 7.5 s gap was over), and a view opened by a user is worth one fetch
    void Promise.resolve()
      .then(() => loading)
      .then(() => {
        const detail = s().details.get(id);
        if (!detail || detail.fetchedMs < askedMs) return runFull();
      });
    return () => {
      treeViews = Math.max(0, treeViews - 1);
    };
  };
  return { refresh, load, wantTree };
}

export function createSync(store: ConsoleStore): Sync {
  const envFetchers = new Map<string, EnvFetcher>();
  const watching = new Map<string, number>();
  const s = () => store.getState();
  const envFetcher = (id: string): EnvFetcher => {
    let f = envFetchers.get(id);
    if (!f) {
      f = createEnvFetcher(id, s);
      envFetchers.set(id, f);
    }
    return f;
  };
  const sync: Sync = {
    envs: throttled(async () => {
      s().setEnvs((await call('ListEnvironments', {})).environments);
    }, 1000),
    runs: throttled(async () => {
      s().setRuns((await call('ListRuns', { limit: 500 })).runs);
    }, 1500),
    nodes: throttled(async () => {
      s().setNodes((await call('ListNodes', {})).nodes, Date.now());
    }, 1500),
    templates: throttled(async () => {
      s().setTemplates((await call('ListTemplates', {})).templates);
    }, 1000),
    env: (id) => envFetcher(id).refresh(),
    load: (id) => envFetcher(id).load(),
    wantTree: (id) => envFetcher(id).wantTree(),
    watch(id) {
      watching.set(id, (watching.get(id) ?? 0) + 1);
      return () => {
        const n = (watching.get(id) ?? 1) - 1;
        if (n <= 0) watching.delete(id);
        else watching.set(id, n);
      };
    },
    watched: (id) => watching.has(id),
  };
  return sync;
}
