// A collection the controller sent collapsed (a 150,000-task farm in the graph): the panel takes
// its counts from the tree and pages its members through ListTasks with the container's role.
// The gateway is a stubbed fetch answering ListTasks (jsdom has no server); the controller's side
// is test/integration/controller/list-tasks-paged.test.ts, the whole path test/e2e/scale.spec.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import type { ListTasksRequest } from '../../core/rpc/gen/control.js';
import { CollectionPanel } from '../../renderer/src/features/graph/CollectionPanel.js';
import { StoreProvider } from '../../renderer/src/store/context.js';
import { createConsoleStore } from '../../renderer/src/store/store.js';
import { env, role, task } from './fixtures.js';

const N = 150_000;

afterEach(() => vi.unstubAllGlobals());

describe('CollectionPanel on a container sent collapsed', () => {
  it('shows its counts from the tree and pages its members through the controller', async () => {
    const asked: Partial<ListTasksRequest>[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init: { body: string }) => {
        const req = JSON.parse(init.body) as Partial<ListTasksRequest>;
        asked.push(req);
        const names = req.search ? [req.search] : Array.from({ length: 50 }, (_, i) => `sim-${(req.offset ?? 0) + i}`);
        const body = {
          tasks: names.map((name) => task({ id: `id-${name}`, name, state: 'RUNNING' })),
          total: req.search ? 1 : N,
          byDisplayState: {},
          nodes: [],
          envTasks: N,
        };
        return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
      }),
    );
    const store = createConsoleStore();
    const farm = role({ path: 'sim-farm', name: 'sim-{{ it }}', kind: 'iterator', state: 'RUNNING', leaves: N, leafStates: { RUNNING: N } });
    store.getState().upsertEnv(env({ id: 'env-1', root: role({ path: '', kind: 'aggregator', children: [farm] }) }));
    const opened: string[] = [];
    render(
      <StoreProvider store={store}>
        <CollectionPanel envId="env-1" path="sim-farm" label="sim-*" onOpenTask={(id) => opened.push(id)} onClose={() => {}} />
      </StoreProvider>,
    );
    // shown once the first page is here, with the counts the tree gave
    const panel = await screen.findByRole('region', { name: 'Collection sim-*' });
    expect(within(panel).getByRole('status').textContent?.trim()).toBe('showing 1–50 of 150,000');
    expect(within(panel).getByLabelText('States of sim-*').textContent).toBe('150,000 RUNNING');
    expect(asked[0]).toMatchObject({ envId: 'env-1', role: 'sim-farm', offset: 0, limit: 50 });
    expect(within(panel).getAllByRole('listitem')).toHaveLength(50);
    fireEvent.click(within(panel).getByRole('button', { name: 'Next' }));
    await within(panel).findByText('showing 51–100 of 150,000');
    expect(asked[asked.length - 1]).toMatchObject({ offset: 50 });
    fireEvent.change(within(panel).getByRole('searchbox'), { target: { value: 'sim-149999' } });
    await within(panel).findByText('showing 1–1 of 1 matching (150,000 in all)');
    fireEvent.click(within(panel).getByRole('button', { name: 'sim-149999' }));
    expect(opened).toEqual(['id-sim-149999']);
  });
});
