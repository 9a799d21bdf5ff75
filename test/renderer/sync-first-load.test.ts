// The environment page's first fetch and the refreshes the event stream asks for share one queue:
// a refresh asked while the first fetch is on its way (events replayed when the page connects ask
// for one) waits for it and runs once after it, instead of a second reply beside it. Neither takes
// the tasks (the task table fetches its window), and the role tree only for a view that draws it
// (docs/performance.md, "Console at 150,000 tasks").
// The gateway is replaced by a stubbed fetch here (jsdom has no server); the real path, browser to
// controller, is test/e2e/scale.spec.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSync } from '../../renderer/src/app/sync.js';
import { createConsoleStore } from '../../renderer/src/store/store.js';
import { env, role } from './fixtures.js';

interface Pending {
  method: string;
  body: Record<string, unknown>;
  answer(status: number, body: unknown): void;
}

/** a gateway whose replies the test releases one by one */
function stubGateway(): Pending[] {
  const pending: Pending[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(
      (url: string, init: { body: string }) =>
        new Promise<Response>((resolve) => {
          pending.push({
            method: url.replace('/api/', ''),
            body: JSON.parse(init.body) as Record<string, unknown>,
            answer: (status, body) => resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })),
          });
        }),
    ),
  );
  return pending;
}

const flush = () => vi.advanceTimersByTimeAsync(0);

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('sync: the page first fetch and refreshes', () => {
  it('asks for the environment once while the first fetch is on its way, then refreshes once after it', async () => {
    vi.useFakeTimers();
    const pending = stubGateway();
    const store = createConsoleStore();
    const sync = createSync(store);
    sync.watch('env-1');
    const first = sync.load('env-1');
    // replayed events ask for refreshes while the first reply is still being built (seconds at
    // 150,000 tasks: past the 1 s gap of an environment whose tasks the page does not hold yet)
    await vi.advanceTimersByTimeAsync(2500);
    void sync.env('env-1');
    void sync.env('env-1');
    await vi.advanceTimersByTimeAsync(2500);
    expect(pending.map((p) => p.method)).toEqual(['GetEnvironment']);
    // never every task: the counts (and the tree only for a view that draws it)
    expect(pending[0]!.body).toMatchObject({ id: 'env-1', withTasks: false, withTree: false });

    pending[0]!.answer(200, env({ id: 'env-1', counts: { total: 1, byState: { STANDBY: 1 }, lost: 0 } }));
    await first;
    expect(store.getState().envs.get('env-1')?.counts?.byState).toEqual({ STANDBY: 1 });
    // then one refresh, for what changed while the first reply was on its way
    await flush();
    expect(pending.map((p) => p.method)).toEqual(['GetEnvironment', 'GetEnvironment']);
    pending[1]!.answer(200, env({ id: 'env-1', counts: { total: 1, byState: { CONFIGURED: 1 }, lost: 0 } }));
    await vi.advanceTimersByTimeAsync(5000);
    expect(store.getState().envs.get('env-1')?.counts?.byState).toEqual({ CONFIGURED: 1 });
    expect(pending).toHaveLength(2);
  });

  it('fetches the role tree once for a view that draws it: with the first fetch, or at once when opened later', async () => {
    vi.useFakeTimers();
    const pending = stubGateway();
    const store = createConsoleStore();
    const sync = createSync(store);
    sync.watch('env-1');
    // the graph tab opened first: the page's first fetch brings the tree, no second request
    const release = sync.wantTree('env-1');
    const first = sync.load('env-1');
    await flush();
    expect(pending.map((p) => p.body.withTree)).toEqual([true]);
    pending[0]!.answer(200, env({ id: 'env-1', root: role({ path: 'env-1', kind: 'aggregator' }) }));
    await first;
    await vi.advanceTimersByTimeAsync(5000);
    expect(pending).toHaveLength(1);
    expect(store.getState().details.get('env-1')?.root?.path).toBe('env-1');
    release();
    // the table alone: refreshes without the tree
    void sync.env('env-1');
    await flush();
    expect(pending.map((p) => p.body.withTree)).toEqual([true, false]);
    pending[1]!.answer(200, env({ id: 'env-1' }));
    await vi.advanceTimersByTimeAsync(5000);

    // another environment whose page opened on the task table, then the graph: the tree at once
    const other = sync.load('env-2');
    await flush();
    pending[2]!.answer(200, env({ id: 'env-2' }));
    await other;
    sync.wantTree('env-2');
    await flush();
    expect(pending.slice(2).map((p) => [p.body.id, p.body.withTree])).toEqual([
      ['env-2', false],
      ['env-2', true],
    ]);
    pending[3]!.answer(200, env({ id: 'env-2', root: role({ path: 'env-2', kind: 'aggregator' }) }));
  });

  it('refetches at once a tree that is behind the counts when a view that draws it opens again', async () => {
    vi.useFakeTimers();
    const pending = stubGateway();
    const store = createConsoleStore();
    const sync = createSync(store);
    sync.watch('env-1');
    // the graph first, with a big environment (its refetch gap is long)
    const big = { total: 150_000, byState: { RUNNING: 150_000 }, lost: 0 };
    const release = sync.wantTree('env-1');
    const first = sync.load('env-1');
    await flush();
    pending[0]!.answer(200, env({ id: 'env-1', counts: big, root: role({ path: 'env-1', kind: 'aggregator', state: 'RUNNING' }) }));
    await first;
    // then the task table: the environment moves on, fetched without its tree
    release();
    await vi.advanceTimersByTimeAsync(2000);
    void sync.env('env-1');
    await flush();
    expect(pending.map((p) => p.body.withTree)).toEqual([true, false]);
    pending[1]!.answer(200, env({ id: 'env-1', counts: { total: 150_000, byState: { DONE: 150_000 }, lost: 0 } }));
    await vi.advanceTimersByTimeAsync(1000);
    // the graph again: its tree (RUNNING) is older than the counts (DONE): fetched at once, not
    // after the 150,000-task gap
    sync.wantTree('env-1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(pending.map((p) => p.body.withTree)).toEqual([true, false, true]);
    pending[2]!.answer(
      200,
      env({ id: 'env-1', counts: { total: 150_000, byState: { DONE: 150_000 }, lost: 0 }, root: role({ path: 'env-1', kind: 'aggregator', state: 'DONE' }) }),
    );
    await flush();
    expect(store.getState().details.get('env-1')?.root?.state).toBe('DONE');
  });

  /**
   * A page with the graph open on a 150,000-task environment mid-EXIT, one refresh waiting for the
   * long gap; then `end` tells the page the EXIT is over, and the page asks for a refresh: that
   * one is fetched within the second (with the tree), and the waiting one is folded into it.
   */
  async function endOfBigExit(end: (store: ReturnType<typeof createConsoleStore>) => void) {
    vi.useFakeTimers();
    const pending = stubGateway();
    const store = createConsoleStore();
    const sync = createSync(store);
    sync.watch('env-1');
    const counts = { total: 150_000, byState: { STANDBY: 147_000, DONE: 3_000 }, lost: 0 };
    sync.wantTree('env-1');
    const first = sync.load('env-1');
    await flush();
    pending[0]!.answer(200, env({ id: 'env-1', transition: 'EXIT', counts, root: role({ path: 'env-1', kind: 'aggregator', state: 'MIXED' }) }));
    await first;
    // mid-EXIT, batches ask for refreshes: one after the 150,000-task gap (7.5 s)
    void sync.env('env-1');
    await vi.advanceTimersByTimeAsync(2000);
    expect(pending).toHaveLength(1);
    end(store);
    void sync.env('env-1');
    await flush();
    expect(pending).toHaveLength(2);
    expect(pending[1]!.body.withTree).toBe(true);
    pending[1]!.answer(
      200,
      env({ id: 'env-1', counts: { total: 150_000, byState: { DONE: 150_000 }, lost: 0 }, root: role({ path: 'env-1', kind: 'aggregator', state: 'DONE' }) }),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    expect(store.getState().details.get('env-1')?.root?.state).toBe('DONE');
    // the refresh that waited for the long gap was folded into that one
    expect(pending).toHaveLength(2);
  }

  it('waits the long gap of a big tree only while a transition is under way, and fetches its end within a second', async () => {
    // the EXIT ends for the page by its end event, which clears the transition
    await endOfBigExit((store) =>
      store.getState().setEnvs([env({ id: 'env-1', transition: '', counts: { total: 150_000, byState: { DONE: 150_000 }, lost: 0 } })]),
    );
  });

  it('fetches the end of a transition answered on this page within a second, not after the long gap', async () => {
    // the page's own EXIT is answered before its end event reaches the page (the graph showed
    // 150,000 STANDBY for 7.5 s after the answer)
    await endOfBigExit((store) => store.getState().transitionAnswered('env-1', 10));
  });

  it('rejects the first fetch with the gateway error (the page says the environment is gone)', async () => {
    const pending = stubGateway();
    const store = createConsoleStore();
    const sync = createSync(store);
    const first = sync.load('env-gone');
    await vi.waitFor(() => expect(pending).toHaveLength(1));
    pending[0]!.answer(404, { error: { code: 'NOT_FOUND', message: 'no environment env-gone' } });
    await expect(first).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(store.getState().envs.has('env-gone')).toBe(false);
  });
});
