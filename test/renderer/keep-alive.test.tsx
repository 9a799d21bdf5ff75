// What the console shows and drives for issue 15 ("keep the run alive"): node health (SUSPECT with
// the grace left, DOWN, REFUSED, the agent's loop lag), degraded environments naming the
// unreachable nodes, unreachable tasks not shown as failed, restart counts, tasks awaiting reap
// after a destroy, and Exclude / Include on a role (enabled only where the controller allows it,
// confirmed, its progress, the controller's refusal shown field by field).
// The gateway is replaced by a stubbed fetch here (jsdom has no server); the real path, browser to
// controller, is test/e2e/keep-alive.spec.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import type { Node, Role } from '../../core/rpc/gen/control.js';
import { nodeHealth, suspectGraceMs } from '../../renderer/src/features/nodes/nodeHealth.js';
import { NodeHealthCell } from '../../renderer/src/features/nodes/NodeHealthCell.js';
import { roleAction } from '../../renderer/src/features/roles/roleRules.js';
import { RolesPanel } from '../../renderer/src/features/roles/RolesPanel.js';
import { HealthBanners } from '../../renderer/src/features/env-detail/HealthBanners.js';
import { DestroyedPanel } from '../../renderer/src/features/env-detail/DestroyedPanel.js';
import { displayState } from '../../renderer/src/features/tasks/taskTable.js';
import { TaskBadges } from '../../renderer/src/features/tasks/TaskBadges.js';
import { SyncProvider } from '../../renderer/src/features/shell/services.js';
import { createSync } from '../../renderer/src/app/sync.js';
import { applyEvents } from '../../renderer/src/store/events.js';
import { StoreProvider } from '../../renderer/src/store/context.js';
import { createConsoleStore, type ConsoleStore } from '../../renderer/src/store/store.js';
import { env, errorDetail, event, resetSeq, role, task } from './fixtures.js';

function node(p: Partial<Node> & { name: string }): Node {
  return {
    address: 'unix:///tmp/a.sock',
    host: 'localhost',
    labels: {},
    resources: undefined,
    up: true,
    lastSeenMs: 0,
    cpu: 0,
    memUsed: 0,
    memTotal: 0,
    tasks: 0,
    sim: false,
    pid: 0,
    suspect: false,
    suspectSinceMs: 0,
    refused: '',
    owner: '',
    loopLagMs: 0,
    schedule: 'ready',
    usedBy: [],
    inInventory: false,
    ...p,
  };
}

function withStore(store: ConsoleStore, ui: React.ReactNode) {
  return render(
    <StoreProvider store={store}>
      <SyncProvider sync={createSync(store)}>{ui}</SyncProvider>
    </StoreProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());
beforeEach(() => resetSeq());

describe('node health', () => {
  it('is SUSPECT, not DOWN, within the grace, and says how long is left', () => {
    const n = node({ name: 'agent-1', up: false, suspect: true, suspectSinceMs: 100_000 });
    const h = nodeHealth(n, 112_000, 30_000);
    expect(h.label).toBe('SUSPECT');
    expect(h.graceLeftMs).toBe(18_000);
    expect(h.detail).toBe('silent for 12s; tasks lost in 18s unless it is back');
    expect(nodeHealth(n, 112_000).detail).toContain('silent for 12s');
    expect(nodeHealth(node({ name: 'a', up: false }), 0).label).toBe('DOWN');
    expect(nodeHealth(node({ name: 'a' }), 0).label).toBe('UP');
  });

  it('is REFUSED, naming the controller that owns the agent', () => {
    const h = nodeHealth(node({ name: 'a', up: false, refused: 'agent belongs to controller c-9', owner: 'c-9' }), 0);
    expect(h.label).toBe('REFUSED');
    expect(h.detail).toContain('owned by controller c-9');
  });

  it('takes the grace from the node.suspect event of the current spell only', () => {
    const events = [event({ kind: 'node.suspect', node: 'agent-1', timeMs: 50_000, data: { grace_ms: '30000' } })];
    expect(suspectGraceMs(events, 'agent-1', 50_000)).toBe(30_000);
    expect(suspectGraceMs(events, 'agent-1', 90_000)).toBeUndefined();
    expect(suspectGraceMs(events, 'agent-2', 50_000)).toBeUndefined();
  });

  it('renders the countdown from the events the store holds', () => {
    const store = createConsoleStore();
    const since = Date.now() - 5_000;
    store.getState().applyEvents([event({ kind: 'node.suspect', node: 'agent-1', timeMs: since, data: { grace_ms: '30000' } })]);
    withStore(store, <NodeHealthCell node={node({ name: 'agent-1', up: false, suspect: true, suspectSinceMs: since })} nowMs={since + 5_000} />);
    expect(screen.getByText('SUSPECT')).toBeTruthy();
    expect(screen.getByText(/tasks lost in 25s/)).toBeTruthy();
  });

  it('follows node.suspect and node.back events before the next poll', () => {
    const s0 = { ...createConsoleStore().getState(), nodes: new Map([['agent-1', node({ name: 'agent-1' })]]) };
    const a = applyEvents(s0, [event({ kind: 'node.suspect', node: 'agent-1', timeMs: 7_000 })], { liveSinceMs: 0 });
    expect(a.next.nodes!.get('agent-1')).toMatchObject({ suspect: true, up: false, suspectSinceMs: 7_000 });
    expect(a.effects).toContainEqual({ kind: 'refreshNodes' });
    // a notice that stays until dismissed: the night shift must not miss it
    expect(a.effects).toContainEqual({ kind: 'notify', notice: expect.objectContaining({ level: 'error', title: 'Node agent-1 is SUSPECT' }) });
    const b = applyEvents({ ...s0, ...a.next }, [event({ kind: 'node.back', node: 'agent-1' })], { liveSinceMs: 0 });
    expect(b.next.nodes!.get('agent-1')).toMatchObject({ suspect: false, up: true });
    expect(b.effects).toContainEqual({ kind: 'notify', notice: expect.objectContaining({ level: 'success', title: 'Node agent-1 is back' }) });
  });
});

describe('degraded environment and unreachable tasks', () => {
  it('shows an unreachable task as UNREACHABLE (last state kept), never as ERROR, and its restarts', () => {
    const t = task({ id: 't1', state: 'RUNNING', unreachable: true, restarts: 2 });
    expect(displayState(t)).toBe('UNREACHABLE');
    expect(displayState({ ...t, lost: true })).toBe('LOST');
    render(<TaskBadges task={{ ...t, included: false }} />);
    expect(screen.getByText('restarts 2')).toBeTruthy();
    expect(screen.getByText('excluded')).toBeTruthy();
  });

  it('names the unreachable nodes in a DEGRADED banner, from the env.degraded event', () => {
    const store = createConsoleStore();
    store.getState().setEnvs([env({ id: 'env-1', state: 'RUNNING', runNumber: 4 })]);
    store.getState().applyEvents([event({ kind: 'env.degraded', envId: 'env-1', node: 'agent-2', data: { degraded: 'true', nodes: 'agent-2' } })]);
    const e = store.getState().envs.get('env-1')!;
    expect(e.unreachableNodes).toEqual(['agent-2']);
    const { rerender } = withStore(store, <HealthBanners env={e} />);
    const banner = screen.getByRole('region', { name: 'Degraded' });
    expect(banner.textContent).toContain('agent-2 is unreachable');
    expect(banner.textContent).toContain('GO_ERROR');
    // back: the event clears the nodes and the banner goes
    store.getState().applyEvents([event({ kind: 'env.degraded', envId: 'env-1', node: 'agent-2', data: { degraded: 'false', nodes: '' } })]);
    rerender(
      <StoreProvider store={store}>
        <SyncProvider sync={createSync(store)}>
          <HealthBanners env={store.getState().envs.get('env-1')!} />
        </SyncProvider>
      </StoreProvider>,
    );
    expect(screen.queryByRole('region', { name: 'Degraded' })).toBeNull();
  });

  it('shows the divergence the reconcile loop reported, and the reason a run was aborted', () => {
    const store = createConsoleStore();
    const e = env({ id: 'env-1', state: 'RUNNING', counts: { total: 3, byState: { RUNNING: 2, CONFIGURED: 1 }, lost: 0 } });
    store
      .getState()
      .applyEvents([event({ kind: 'env.divergence', envId: 'env-1', message: 'environment env-1 is RUNNING but 1 of 3 task(s) are not RUNNING: qc' })]);
    withStore(store, <HealthBanners env={e} />);
    expect(screen.getByRole('region', { name: 'Divergence' }).textContent).toContain('qc');
    cleanupAndRender(store, env({ id: 'env-1', state: 'ERROR' }), [
      event({ kind: 'run.stop', envId: 'env-1', runNumber: 9, data: { run_state: 'aborted', reason: 'aborted: task builder exited' } }),
    ]);
    expect(screen.getByRole('region', { name: 'Run closed' }).textContent).toContain('Run 9 was closed as aborted: aborted: task builder exited');
  });
});

function cleanupAndRender(store: ConsoleStore, e: ReturnType<typeof env>, events: ReturnType<typeof event>[]) {
  cleanup();
  store.getState().applyEvents(events);
  withStore(store, <HealthBanners env={e} />);
}

describe('tasks awaiting reap after a destroy', () => {
  it('lists them per node from the env.destroyed event, until node.reaped settles the node', () => {
    const store = createConsoleStore();
    store.getState().setTasks('env-1', [task({ id: 't1', name: 'sink', node: 'agent-2', pid: 4242 }), task({ id: 't2', name: 'qc', node: 'agent-1' })]);
    store.getState().applyEvents([event({ kind: 'env.destroyed', envId: 'env-1', data: { awaitingReap: 'agent-2:t1' } })]);
    expect(store.getState().awaitingReap.get('agent-2')).toEqual([{ node: 'agent-2', taskId: 't1', taskName: 'sink', pid: 4242, envId: 'env-1' }]);
    withStore(store, <DestroyedPanel envId="env-1" />);
    const list = screen.getByRole('list', { name: 'Awaiting reap on agent-2' });
    expect(list.textContent).toContain('sink');
    expect(list.textContent).toContain('pid 4242');
    act(() => {
      store.getState().applyEvents([event({ kind: 'node.reaped', node: 'agent-2', data: { reaped: 'env-1/sink', ended: '' } })]);
    });
    expect(screen.queryByRole('region', { name: 'Awaiting reap' })).toBeNull();
  });
});

describe('exclude / include rules', () => {
  const tree = role({
    path: '',
    kind: 'aggregator',
    children: [
      role({ path: 'builder', critical: true, taskId: 'tb' }),
      role({ path: 'qc', taskId: 'tq' }),
      role({ path: 'group', kind: 'aggregator', children: [role({ path: 'group/sink', critical: true, taskId: 'ts' })] }),
      role({
        path: 'ro',
        kind: 'iterator',
        nmin: 1,
        children: [role({ path: 'ro/a', critical: true, taskId: 'ta' }), role({ path: 'ro/b', critical: true, included: false, taskId: 'tb2' })],
      }),
      role({ path: 'old', included: false, taskId: 'to' }),
      role({ path: 'off', included: false }),
      role({ path: 'hook', kind: 'call' }),
    ],
  });
  const [builder, qc, group, ro, old, off, hook] = tree.children as [Role, Role, Role, Role, Role, Role, Role];

  it('allows excluding a non-critical role of a RUNNING or CONFIGURED environment only', () => {
    expect(roleAction(qc, null, 'RUNNING', false)).toEqual({ action: 'exclude', enabled: true });
    expect(roleAction(qc, null, 'CONFIGURED', false)?.enabled).toBe(true);
    expect(roleAction(qc, null, 'DEPLOYED', false)).toMatchObject({ enabled: false, reason: expect.stringContaining('only in CONFIGURED or RUNNING') });
    expect(roleAction(qc, null, 'RUNNING', true)).toMatchObject({ enabled: false, reason: 'a transition is under way' });
    expect(roleAction(hook, null, 'RUNNING', false)).toBeNull();
    // disabled in the workflow (enabled: false): never launched, nothing to exclude or include
    expect(roleAction(off, null, 'RUNNING', false)).toBeNull();
  });

  it('refuses a critical role, or a group holding one, and an iterator item below nmin', () => {
    expect(roleAction(builder, null, 'RUNNING', false)).toMatchObject({ enabled: false, reason: 'it is critical' });
    expect(roleAction(group, null, 'RUNNING', false)).toMatchObject({ enabled: false, reason: 'group/sink is critical' });
    expect(roleAction(ro.children[0]!, ro, 'RUNNING', false)).toMatchObject({ enabled: false, reason: 'ro would keep 0 item(s), below its nmin 1' });
  });

  it('offers Include for an excluded role whose parent is included', () => {
    expect(roleAction(old, null, 'RUNNING', false)).toEqual({ action: 'include', enabled: true });
    const inner = role({ path: 'x/y', included: false, taskId: 'ty' });
    expect(roleAction(inner, role({ path: 'x', kind: 'aggregator', included: false, children: [inner] }), 'RUNNING', false)).toMatchObject({
      enabled: false,
      reason: 'its parent x is excluded: include that instead',
    });
  });
});

describe('RolesPanel', () => {
  function setup(state = 'RUNNING') {
    const store = createConsoleStore();
    const root = role({
      path: '',
      kind: 'aggregator',
      children: [role({ path: 'builder', critical: true, state, taskId: 'tb' }), role({ path: 'qc', state, taskId: 'tq' })],
    });
    const e = env({ id: 'env-1', state, runNumber: 3 });
    store.getState().upsertEnv({ ...e, root });
    return { store, e };
  }

  function stubGateway(reply: (method: string, body: unknown) => { status: number; body: unknown } | Promise<{ status: number; body: unknown }>) {
    const f = vi.fn(async (url: string, init: RequestInit) => {
      const r = await reply(url.replace('/api/', ''), JSON.parse(String(init.body)));
      return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'Content-Type': 'application/json' } });
    });
    vi.stubGlobal('fetch', f);
    return f;
  }

  it('disables Exclude on a critical role and says why', () => {
    const { store, e } = setup();
    withStore(store, <RolesPanel env={e} />);
    const b = screen.getByRole('button', { name: 'Exclude builder' }) as HTMLButtonElement;
    expect(b.disabled).toBe(true);
    expect(b.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(b.getAttribute('aria-describedby')!)!.textContent).toBe('exclude not possible: it is critical');
    expect((screen.getByRole('button', { name: 'Exclude qc' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('asks first, shows progress, then the role as excluded', async () => {
    const { store, e } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const excluded = {
      ...e,
      root: role({
        path: '',
        kind: 'aggregator',
        children: [role({ path: 'builder', critical: true, taskId: 'tb' }), role({ path: 'qc', included: false, taskId: 'tq' })],
      }),
    };
    const f = stubGateway(async (method) => {
      if (method === 'ExcludeRole') await gate;
      return { status: 200, body: method === 'ListEnvironments' ? { environments: [] } : excluded };
    });
    withStore(store, <RolesPanel env={e} />);
    fireEvent.click(screen.getByRole('button', { name: 'Exclude qc' }));
    const dialog = screen.getByRole('dialog', { name: 'Exclude qc?' });
    expect(dialog.textContent).toContain('run 3 stays open');
    expect(f).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Exclude' }));
    expect(await screen.findByText(/Excluding qc…/)).toBeTruthy();
    // the environment's progress meanwhile: its transition buttons wait
    expect(store.getState().progress.get('env-1')).toMatchObject({ transition: 'EXCLUDE', phase: 'qc' });
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/ExcludeRole');
    expect(JSON.parse(String(init.body))).toEqual({ envId: 'env-1', role: 'qc' });
    expect((screen.getByRole('button', { name: 'Exclude qc' }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => release());
    expect(await screen.findByText(/qc excluded in/)).toBeTruthy();
    expect(store.getState().progress.has('env-1')).toBe(false);
    expect(screen.getByRole('button', { name: 'Include qc' })).toBeTruthy();
    expect(within(screen.getByRole('table', { name: 'Roles' })).getByText('EXCLUDED')).toBeTruthy();
  });

  it('shows the controller refusal as a structured error, and nothing changes', async () => {
    const { store, e } = setup();
    stubGateway((method) =>
      method === 'ExcludeRole'
        ? {
            status: 400,
            body: {
              error: errorDetail({
                code: 'BAD_INPUT',
                message: 'role qc cannot be excluded: builder is critical',
                ...{ where: 'role', data: { role: 'qc', rule: 'critical', critical: 'builder' } },
              }),
            },
          }
        : { status: 200, body: method === 'ListEnvironments' ? { environments: [] } : e },
    );
    withStore(store, <RolesPanel env={e} />);
    fireEvent.click(screen.getByRole('button', { name: 'Exclude qc' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Exclude' }));
    const alert = await screen.findByRole('alert', { name: 'Exclude qc failed' });
    expect(alert.textContent).toContain('BAD_INPUT');
    expect(alert.textContent).toContain('builder is critical');
    expect(within(alert).getByText('rule').nextSibling?.textContent).toBe('critical');
    expect(screen.getByRole('button', { name: 'Exclude qc' })).toBeTruthy();
  });
});
