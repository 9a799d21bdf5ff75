// The night-shift pieces that are pure: the Events view's filters as a QueryEvents request, what
// counts as a failure, a dead task, and the unacknowledged errors.
import { beforeEach, describe, expect, it } from 'vitest';
import { Event, Task } from '../../core/rpc/gen/control.js';
import { queryOf, filterEvents } from '../../renderer/src/features/events/eventFilter.js';
import { taskIsDead } from '../../renderer/src/features/tasks/liveness.js';
import { UNACKED_CAP, unackedCount, useAlerts } from '../../renderer/src/features/alerts/alertStore.js';
import { eventSeverity, eventUser } from '../../core/model/event-severity.js';

const event = (p: Partial<Event>) => Event.fromPartial({ seq: 1, timeMs: 1, ...p });

describe('history filters', () => {
  it('sends kind groups as prefixes and the error chip as a severity', () => {
    const q = queryOf({ groups: ['task', 'error', 'audit'], envId: 'e1', text: 'beta', fromMs: 5, toMs: 9 }, 42, 100);
    expect(q).toEqual({ kinds: ['task.', 'audit'], severity: 'error', envId: 'e1', text: 'beta', sinceMs: 5, untilMs: 9, beforeSeq: 42, limit: 100 });
    expect(queryOf({ groups: [], envId: '', text: '' }).severity).toBe('');
  });
  it('matches the live tail as the controller does: errors of the chosen kinds', () => {
    const evs = [event({ kind: 'task.exit', state: 'ERROR' }), event({ kind: 'env.state', state: 'ERROR' }), event({ kind: 'task.state', state: 'RUNNING' })];
    expect(filterEvents(evs, { groups: ['task', 'error'], envId: '', text: '' }).map((e) => e.kind)).toEqual(['task.exit']);
  });
  it('counts an aborted run as a failure and finds the user an event names', () => {
    expect(eventSeverity({ kind: 'run.stop', data: { run_state: 'aborted' } })).toBe('error');
    expect(eventSeverity({ kind: 'run.stop', data: { run_state: 'closed' } })).toBe('');
    expect(eventUser({ kind: 'run.start', data: { started_by: 'alice' } })).toBe('alice');
    expect(eventUser({ kind: 'env.hold', data: { holder: 'bob' } })).toBe('bob');
  });
});

describe('liveness', () => {
  it('a task that exited or was lost is dead; a running one is not', () => {
    expect(taskIsDead(Task.fromPartial({ pid: 10 }))).toBe(false);
    expect(taskIsDead(Task.fromPartial({ pid: 10, exit: { exited: true, code: 137 } }))).toBe(true);
    expect(taskIsDead(Task.fromPartial({ lost: true }))).toBe(true);
  });
});

describe('unacknowledged errors', () => {
  beforeEach(() => useAlerts.getState().ackAll());
  it('are counted until acknowledged, one or all', () => {
    const a = useAlerts.getState();
    a.add([event({ seq: 1, kind: 'task.lost' }), event({ seq: 2, kind: 'node.down' })]);
    expect(unackedCount(useAlerts.getState())).toBe(2);
    useAlerts.getState().ack(1);
    expect(useAlerts.getState().unacked.map((e) => e.seq)).toEqual([2]);
    useAlerts.getState().ackAll();
    expect(unackedCount(useAlerts.getState())).toBe(0);
  });
  it('past the cap, the oldest are counted but not listed', () => {
    const many = Array.from({ length: UNACKED_CAP + 5 }, (_, i) => event({ seq: i + 1, kind: 'task.lost' }));
    useAlerts.getState().add(many);
    expect(useAlerts.getState().unacked.length).toBe(UNACKED_CAP);
    expect(unackedCount(useAlerts.getState())).toBe(UNACKED_CAP + 5);
  });
  it('keep sound off until the user turns it on', () => {
    expect(useAlerts.getState().sound).toBe(false);
  });
});

describe('counts and progress during a transition of a large environment', () => {
  it('never count more tasks in a state than the environment has, whatever the order of list, tasks and events', async () => {
    const { createConsoleStore } = await import('../../renderer/src/store/store.js');
    const { env: envOf, task: taskOf } = await import('./fixtures.js');
    const N = 10_000;
    const store = createConsoleStore();
    const tasks = Array.from({ length: N }, (_, i) => taskOf({ id: `t${i}`, envId: 'big', state: 'CONFIGURED' }));
    store.getState().upsertEnv(envOf({ id: 'big', state: 'CONFIGURED', counts: { total: N, byState: { CONFIGURED: N }, lost: 0 }, tasks }));
    // the list, fetched after the controller moved every task, arrives before their events
    store.getState().setEnvs([envOf({ id: 'big', state: 'RUNNING', counts: { total: N, byState: { RUNNING: N }, lost: 0 } })]);
    let seq = 1;
    const effects = store
      .getState()
      .applyEvents(tasks.slice(0, 9200).map((t) => event({ seq: seq++, kind: 'task.state', envId: 'big', taskId: t.id, state: 'RUNNING' })));
    const counts = store.getState().envs.get('big')!.counts!;
    const counted = Object.values(counts.byState).reduce((a, b) => a + b, 0);
    expect(counted).toBe(N);
    // the counts are the server's snapshot until the refresh the events ask for: never moved by
    // events on the page, which would count twice what a snapshot already had
    expect(counts.byState).toEqual({ CONFIGURED: N });
    expect(effects).toContainEqual({ kind: 'refreshEnv', envId: 'big' });
  });

  it('do not bring an ended transition back as "starting…" from a list fetched before its end', async () => {
    const { createConsoleStore } = await import('../../renderer/src/store/store.js');
    const { env: envOf } = await import('./fixtures.js');
    const store = createConsoleStore();
    store.getState().setEnvs([envOf({ id: 'big', state: 'CONFIGURED', transition: '' })]);
    store
      .getState()
      .applyEvents([
        event({ seq: 1, kind: 'env.transition', envId: 'big', transition: 'START_ACTIVITY', data: { phase: 'begin', total: '10000' } }),
        event({ seq: 2, kind: 'env.transition', envId: 'big', transition: 'START_ACTIVITY', data: { phase: 'progress', done: '3800', total: '10000' } }),
        event({ seq: 3, kind: 'env.transition', envId: 'big', transition: 'START_ACTIVITY', data: { phase: 'end', ok: 'true' } }),
      ]);
    store.getState().setEnvs([envOf({ id: 'big', state: 'CONFIGURED', transition: 'START_ACTIVITY' })]);
    expect(store.getState().envs.get('big')!.transition).toBe('');
    expect(store.getState().progress.has('big')).toBe(false);
  });
});
