// Fetching from the API into the store, throttled: the event stream asks for refreshes often,
// the API is asked at most once per interval per resource (and a refresh asked during a fetch
// runs once more after it).
import { call } from '../api/client.js';
import type { ConsoleStore } from '../store/store.js';

type Fetcher = () => Promise<void>;

/** the least time between two full refreshes of a watched environment: 1 s up to 20,000 tasks,
 * then 1 s per 20,000 (7.5 s at 150,000) */
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
  /** the environment page's first fetch (tasks and tree): rejects with the call's error (NOT_FOUND)
   * for the page to show; refreshes asked while it is on its way wait for it (one after it) */
  load(id: string): Promise<void>;
  runs: Fetcher;
  nodes: Fetcher;
  templates: Fetcher;
  /** environments whose page is open: their tasks and tree are kept fresh */
  watch(id: string): () => void;
  watched(id: string): boolean;
}

interface EnvFetcher {
  refresh: Fetcher;
  load(): Promise<void>;
}

function createEnvFetcher(id: string, s: () => ReturnType<ConsoleStore['getState']>): EnvFetcher {
  const fetchEnv = () => call('GetEnvironment', { id, withTasks: true, withTree: true });
  // the bigger the environment, the less often its full task list is refetched: at 150,000
  // tasks that list is tens of MB to fetch, parse and index, and a transition asks for a
  // refresh with every agent's batch. Counts and tasks come together (one reply): counts
  // from a lighter call, applied under a stale task list, would count the task events still
  // on their way twice (the console e2e sampler saw 13,000 CONFIGURED of 10,000).
  const full = throttled(async () => {
    try {
      s().upsertEnv(await fetchEnv());
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') s().removeEnv(id);
      throw e;
    }
  }, 1000);
  let lastFull = 0;
  let trailing: Promise<void> | null = null;
  let loading: Promise<void> | null = null;
  const runFull = () => {
    lastFull = Date.now();
    return full();
  };
  const refresh = (): Promise<void> => {
    // the page's first fetch is on its way: one refresh after it (for what changed meanwhile),
    // not a second full list beside it (events replayed when the page connects ask for one: the
    // controller, gateway and page then built, sent and parsed the whole environment twice)
    if (loading) {
      trailing ??= loading.then(() => {
        trailing = null;
        return refresh();
      });
      return trailing;
    }
    const wait = lastFull + fullRefetchGapMs(s().envTaskIds.get(id)?.length ?? 0) - Date.now();
    if (wait <= 0) return runFull();
    // one refresh once the gap is over, for every request within it: the last change is never missed
    trailing ??= new Promise<void>((resolve) => setTimeout(resolve, wait)).then(() => {
      trailing = null;
      return runFull();
    });
    return trailing;
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
  return { refresh, load };
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
