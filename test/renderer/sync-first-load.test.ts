// The environment page's first fetch and the refreshes the event stream asks for share one queue:
// a refresh asked while the first fetch is on its way (events replayed when the page connects ask
// for one) waits for it and runs once after it, instead of a second full task list beside it (at
// 150,000 tasks two 80 MB replies at once; docs/performance.md, "Console at 150,000 tasks").
// The gateway is replaced by a stubbed fetch here (jsdom has no server); the real path, browser to
// controller, is test/e2e/scale.spec.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSync } from '../../renderer/src/app/sync.js';
import { createConsoleStore } from '../../renderer/src/store/store.js';
import { env, task } from './fixtures.js';

interface Pending {
  method: string;
  answer(status: number, body: unknown): void;
}

/** a gateway whose replies the test releases one by one */
function stubGateway(): Pending[] {
  const pending: Pending[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(
      (url: string) =>
        new Promise<Response>((resolve) => {
          pending.push({
            method: url.replace('/api/', ''),
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

    pending[0]!.answer(200, { ...env({ id: 'env-1' }), tasks: [task({ id: 'env-1/a', envId: 'env-1', state: 'STANDBY' })] });
    await first;
    expect(store.getState().envTaskIds.get('env-1')).toEqual(['env-1/a']);
    // then one refresh, for what changed while the first reply was on its way
    await flush();
    expect(pending.map((p) => p.method)).toEqual(['GetEnvironment', 'GetEnvironment']);
    pending[1]!.answer(200, { ...env({ id: 'env-1' }), tasks: [task({ id: 'env-1/a', envId: 'env-1', state: 'CONFIGURED' })] });
    await vi.advanceTimersByTimeAsync(5000);
    expect(store.getState().tasks.get('env-1/a')?.state).toBe('CONFIGURED');
    expect(pending).toHaveLength(2);
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
