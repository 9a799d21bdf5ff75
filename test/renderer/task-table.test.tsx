// The task table, a window at a time: the loader asks the paged ListTasks for the rows on screen
// plus a margin (again when the rows leave it, at once for a new filter or sort, at most once per
// gap for changes on the server, dropping superseded replies), and the virtualized component
// shows the server's totals and chip counts, only the visible rows in the DOM, the filter in the
// URL, and rows kept live by the event stream. The gateway is a stubbed fetch answering ListTasks
// from a list (jsdom has no server); the server's own filter and sort are tested against a real
// controller in test/integration/controller/list-tasks-paged.test.ts, the whole path in
// test/e2e/scale.spec.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ListTasksReply, ListTasksRequest, Task } from '../../core/rpc/gen/control.js';
import { filterFromQuery } from '../../renderer/src/features/tasks/taskTable.js';
import { TaskTable } from '../../renderer/src/features/tasks/TaskTable.js';
import { TaskWindowLoader, WINDOW_MARGIN, windowAround, type TableQuery } from '../../renderer/src/features/tasks/taskWindow.js';
import { StoreProvider } from '../../renderer/src/store/context.js';
import { createConsoleStore } from '../../renderer/src/store/store.js';
import { env, task } from './fixtures.js';

/** a stand-in for the controller's ListTasks: filter by state chip, sort by name, window */
function answer(all: readonly Task[], req: Partial<ListTasksRequest>): ListTasksReply {
  const collator = new Intl.Collator('en', { numeric: true });
  let matching = all.filter((t) => !req.states?.length || req.states.includes(t.state));
  matching = [...matching].sort((a, b) => collator.compare(a.name, b.name));
  if (req.descending) matching.reverse();
  const byDisplayState: Record<string, number> = {};
  for (const t of all) byDisplayState[t.state] = (byDisplayState[t.state] ?? 0) + 1;
  const offset = req.offset ?? 0;
  return {
    tasks: matching.slice(offset, req.limit ? offset + req.limit : undefined),
    total: matching.length,
    byDisplayState,
    nodes: [...new Set(all.map((t) => t.node))].sort(),
    envTasks: all.length,
  };
}

/** the gateway: ListTasks answered from `all`, every request kept */
function stubGateway(all: readonly Task[]): Partial<ListTasksRequest>[] {
  const asked: Partial<ListTasksRequest>[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: { body: string }) => {
      const req = JSON.parse(init.body) as Partial<ListTasksRequest>;
      if (url.endsWith('/ListTasks')) asked.push(req);
      const body = url.endsWith('/ListTasks') ? answer(all, req) : {};
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }),
  );
  return asked;
}

const farm = (n: number) =>
  Array.from({ length: n }, (_, i) => task({ id: `t${i}`, name: `readout-${i}`, state: i % 100 === 0 ? 'ERROR' : 'RUNNING', node: `agent-${i % 4}` }));

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the task window loader', () => {
  const query: TableQuery = { envId: 'env-1', filter: { search: '', states: [], node: '' }, sort: 'name', dir: 'asc' };

  it('fetches the rows on screen with a margin, and again only when the rows leave it', async () => {
    const asked: Partial<ListTasksRequest>[] = [];
    const all = farm(10_000);
    const pages: number[] = [];
    const loader = new TaskWindowLoader(
      async (req) => {
        asked.push(req);
        return answer(all, req);
      },
      (page) => pages.push(page.offset),
    );
    loader.show(query, 0, 20);
    expect(asked).toEqual([expect.objectContaining({ offset: 0, limit: windowAround(0, 20).limit, sort: 'name', descending: false })]);
    expect(asked[0]!.limit).toBeLessThanOrEqual(20 + 2 * WINDOW_MARGIN + 100);
    loader.show(query, 30, 50);
    expect(asked).toHaveLength(1);
    loader.show(query, 5000, 5020);
    expect(asked).toHaveLength(2);
    expect(asked[1]!.offset).toBeLessThanOrEqual(5000 - WINDOW_MARGIN);
    expect(asked[1]!.offset! + asked[1]!.limit!).toBeGreaterThan(5020 + WINDOW_MARGIN - 1);
    // a new filter: at once, even for the same rows
    loader.show({ ...query, filter: { ...query.filter, states: ['ERROR'] } }, 5000, 5020);
    expect(asked[2]!.states).toEqual(['ERROR']);
    await vi.waitFor(() => expect(pages).toHaveLength(1));
    // only the last request's reply is shown: the first two were superseded
    expect(pages).toEqual([asked[2]!.offset]);
    loader.stop();
  });

  it('refetches for changes on the server at most once per gap, never missing the last', async () => {
    vi.useFakeTimers();
    const asked: Partial<ListTasksRequest>[] = [];
    const loader = new TaskWindowLoader(
      async (req) => {
        asked.push(req);
        return answer(farm(10), req);
      },
      () => {},
      () => {},
      1000,
    );
    loader.show(query, 0, 5);
    for (let i = 0; i < 10; i++) {
      loader.changed();
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(asked).toHaveLength(2);
    loader.stop();
  });
});

describe('TaskTable', () => {
  beforeEach(() => window.history.replaceState(null, '', '/envs/env-1/tasks'));

  function mount(n: number) {
    const all = farm(n);
    const asked = stubGateway(all);
    const store = createConsoleStore();
    store.getState().upsertEnv(env({ id: 'env-1', counts: { total: n, byState: { RUNNING: n }, lost: 0 } }));
    const opened: string[] = [];
    render(
      <StoreProvider store={store}>
        <TaskTable envId="env-1" onOpenTask={(id) => opened.push(id)} />
      </StoreProvider>,
    );
    return { store, opened, asked };
  }

  it('shows 10,000 tasks from one window of them: the totals and chips from the server, only the visible rows in the DOM', async () => {
    const { store, asked } = mount(10_000);
    await screen.findByText('10000 of 10000 tasks');
    const grid = screen.getByRole('grid', { name: 'Tasks' });
    expect(grid.getAttribute('aria-rowcount')).toBe('10001');
    const rows = within(grid).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(screen.getByRole('button', { name: /ERROR 100/ })).toBeTruthy();
    expect(asked).toHaveLength(1);
    expect(asked[0]!.limit).toBeLessThan(500);
    // the page holds the window only
    expect(store.getState().tasks.size).toBe(asked[0]!.limit);
  });

  it('filters by a state chip on the server and keeps the filter in the URL', async () => {
    const { asked } = mount(1000);
    await screen.findByText('1000 of 1000 tasks');
    fireEvent.click(screen.getByRole('button', { name: /ERROR 10/ }));
    expect(window.location.search).toContain('states=ERROR');
    await screen.findByText('10 of 1000 tasks');
    expect(asked[asked.length - 1]!.states).toEqual(['ERROR']);
    expect(filterFromQuery(new URLSearchParams(window.location.search)).filter.states).toEqual(['ERROR']);
    expect(screen.getByRole('button', { name: /ERROR 10/ }).getAttribute('aria-pressed')).toBe('true');
  });

  it('sorts by a column header on the server and says so', async () => {
    const { asked } = mount(50);
    await screen.findByText('50 of 50 tasks');
    fireEvent.click(screen.getByRole('button', { name: /^Task/ }));
    const header = screen.getByRole('columnheader', { name: /Task/ });
    expect(header.getAttribute('aria-sort')).toBe('descending');
    await waitFor(() => expect(within(screen.getByRole('grid')).getAllByRole('row')[1]!.textContent).toContain('readout-49'));
    expect(asked[asked.length - 1]).toMatchObject({ sort: 'name', descending: true });
  });

  it('opens a task from its name', async () => {
    const { opened } = mount(5);
    fireEvent.click(await screen.findByRole('button', { name: 'readout-3' }));
    expect(opened).toEqual(['t3']);
  });

  it('re-renders a row when its task changes state through an event, and refetches the window after the refresh', async () => {
    const { store, asked } = mount(5);
    await screen.findByRole('button', { name: 'readout-1' });
    act(() => {
      store.getState().applyEvents([
        {
          seq: 1,
          timeMs: 0,
          kind: 'task.state',
          envId: 'env-1',
          taskId: 't1',
          node: '',
          state: 'DONE',
          transition: '',
          message: '',
          error: undefined,
          data: {},
          runNumber: 0,
        },
      ]);
    });
    const row = screen.getByRole('button', { name: 'readout-1' }).closest('[role="row"]') as HTMLElement;
    expect(within(row).getByText('DONE')).toBeTruthy();
    // the environment refreshed from the server (what the event asked for): the window follows
    const before = asked.length;
    act(() => store.getState().upsertEnv(env({ id: 'env-1', counts: { total: 5, byState: { RUNNING: 4, DONE: 1 }, lost: 0 } })));
    await waitFor(() => expect(asked.length).toBe(before + 1), { timeout: 3000 });
  });
});
