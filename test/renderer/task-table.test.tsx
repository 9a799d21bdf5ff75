// The task table: filter, sort, state chips (pure), and the virtualized component that renders only
// the visible rows of 10,000 tasks, with filters kept in the URL.
import { describe, expect, it, beforeEach } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { countByState, filterFromQuery, filterTasks, sortTasks } from '../../renderer/src/features/tasks/taskTable.js';
import { TaskTable } from '../../renderer/src/features/tasks/TaskTable.js';
import { StoreProvider } from '../../renderer/src/store/context.js';
import { createConsoleStore } from '../../renderer/src/store/store.js';
import { env, task } from './fixtures.js';

const tasks = [
  task({ id: 'a', name: 'readout-10', state: 'RUNNING', node: 'agent-2', pid: 30, cpu: 0.2, rssBytes: 300 }),
  task({ id: 'b', name: 'readout-2', state: 'ERROR', node: 'agent-1', pid: 10, cpu: 0.9, rssBytes: 100, critical: true }),
  task({ id: 'c', name: 'builder', state: 'RUNNING', node: 'agent-1', pid: 20, cpu: 0.5, rssBytes: 200, className: 'builder' }),
  task({ id: 'd', name: 'qc', state: 'RUNNING', node: 'agent-2', pid: 40, lost: true }),
];

describe('task table model', () => {
  it('filters by search text over name, id, node, class and pid', () => {
    expect(filterTasks(tasks, { search: 'readout', states: [], node: '' }).map((t) => t.id)).toEqual(['a', 'b']);
    expect(filterTasks(tasks, { search: 'BUILDER', states: [], node: '' }).map((t) => t.id)).toEqual(['c']);
    expect(filterTasks(tasks, { search: '20', states: [], node: '' }).map((t) => t.id)).toEqual(['c']);
  });

  it('filters by state chips (LOST for tasks whose agent is gone) and by node', () => {
    expect(filterTasks(tasks, { search: '', states: ['RUNNING'], node: '' }).map((t) => t.id)).toEqual(['a', 'c']);
    expect(filterTasks(tasks, { search: '', states: ['LOST', 'ERROR'], node: '' }).map((t) => t.id)).toEqual(['b', 'd']);
    expect(filterTasks(tasks, { search: '', states: [], node: 'agent-1' }).map((t) => t.id)).toEqual(['b', 'c']);
    expect(countByState(tasks)).toEqual(
      new Map([
        ['RUNNING', 2],
        ['ERROR', 1],
        ['LOST', 1],
      ]),
    );
  });

  it('sorts names naturally (readout-2 before readout-10) and numbers numerically, both ways', () => {
    expect(sortTasks(tasks, 'name', 'asc').map((t) => t.name)).toEqual(['builder', 'qc', 'readout-2', 'readout-10']);
    expect(sortTasks(tasks, 'cpu', 'desc').map((t) => t.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(sortTasks(tasks, 'memory', 'asc').map((t) => t.id)).toEqual(['d', 'b', 'c', 'a']);
  });

  it('reads filter and sort from the URL, with safe defaults', () => {
    const f = filterFromQuery(new URLSearchParams('q=read&states=ERROR,LOST&node=agent-1&sort=cpu:desc'));
    expect(f).toEqual({ filter: { search: 'read', states: ['ERROR', 'LOST'], node: 'agent-1' }, sort: 'cpu', dir: 'desc' });
    expect(filterFromQuery(new URLSearchParams('sort=rm -rf:x'))).toMatchObject({ sort: 'name', dir: 'asc' });
  });
});

describe('TaskTable', () => {
  beforeEach(() => window.history.replaceState(null, '', '/envs/env-1/tasks'));

  function mount(n: number) {
    const store = createConsoleStore();
    const list = Array.from({ length: n }, (_, i) =>
      task({ id: `t${i}`, name: `readout-${i}`, state: i % 100 === 0 ? 'ERROR' : 'RUNNING', node: `agent-${i % 4}` }),
    );
    store.getState().upsertEnv(env({ id: 'env-1', tasks: list }));
    const opened: string[] = [];
    render(
      <StoreProvider store={store}>
        <TaskTable envId="env-1" onOpenTask={(id) => opened.push(id)} />
      </StoreProvider>,
    );
    return { store, opened };
  }

  it('renders only the visible rows of 10,000 tasks and counts them all', () => {
    mount(10_000);
    const grid = screen.getByRole('grid', { name: 'Tasks' });
    expect(grid.getAttribute('aria-rowcount')).toBe('10001');
    const rows = within(grid).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(screen.getByText('10000 of 10000 tasks')).toBeTruthy();
    expect(screen.getByRole('button', { name: /ERROR 100/ })).toBeTruthy();
  });

  it('filters by a state chip and keeps the filter in the URL', () => {
    mount(1000);
    fireEvent.click(screen.getByRole('button', { name: /ERROR 10/ }));
    expect(window.location.search).toContain('states=ERROR');
    expect(screen.getByText('10 of 1000 tasks')).toBeTruthy();
    expect(screen.getByRole('button', { name: /ERROR 10/ }).getAttribute('aria-pressed')).toBe('true');
  });

  it('sorts by a column header and says so', () => {
    mount(50);
    fireEvent.click(screen.getByRole('button', { name: /^Task/ }));
    const header = screen.getByRole('columnheader', { name: /Task/ });
    expect(header.getAttribute('aria-sort')).toBe('descending');
    expect(within(screen.getByRole('grid')).getAllByRole('row')[1]!.textContent).toContain('readout-49');
  });

  it('opens a task from its name', () => {
    const { opened } = mount(5);
    fireEvent.click(screen.getByRole('button', { name: 'readout-3' }));
    expect(opened).toEqual(['t3']);
  });

  it('re-renders a row when its task changes state through an event', () => {
    const { store } = mount(5);
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
  });
});
