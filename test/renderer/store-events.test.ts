// Applying event batches to the store: incremental (unchanged objects keep their identity), counts
// follow task states, transitions show progress, ERROR notifies once, replays are not applied twice.
import { describe, expect, it, beforeEach } from 'vitest';
import { applyEvents, type EventSlice } from '../../renderer/src/store/events.js';
import { createConsoleStore } from '../../renderer/src/store/store.js';
import { env, errorDetail, event, resetSeq, task } from './fixtures.js';

function slice(): EventSlice {
  const tasks = new Map([
    ['t1', task({ id: 't1', state: 'CONFIGURED' })],
    ['t2', task({ id: 't2', state: 'CONFIGURED' })],
    ['t3', task({ id: 't3', state: 'CONFIGURED' })],
  ]);
  return {
    envs: new Map([['env-1', env({ id: 'env-1', state: 'CONFIGURED', counts: { total: 3, byState: { CONFIGURED: 3 }, lost: 0 } })]]),
    envTaskIds: new Map([['env-1', ['t1', 't2', 't3']]]),
    tasks,
    progress: new Map(),
    transitionsAnswered: new Map(),
    transitionsEnded: new Set(),
    events: [],
    lastSeq: 0,
    nodes: new Map(),
    awaitingReap: new Map(),
  };
}

describe('applyEvents', () => {
  beforeEach(() => resetSeq());

  it('replaces only the tasks that changed, and keeps the others by identity', () => {
    const s = slice();
    const { next } = applyEvents(s, [event({ kind: 'task.state', taskId: 't2', state: 'RUNNING' })], { liveSinceMs: 0 });
    expect(next.tasks).not.toBe(s.tasks);
    expect(next.tasks!.get('t2')!.state).toBe('RUNNING');
    expect(next.tasks!.get('t1')).toBe(s.tasks.get('t1'));
    expect(next.tasks!.get('t3')).toBe(s.tasks.get('t3'));
  });

  it('an EXIT whose agent was away names the tasks awaiting reap per node, until node.reaped settles it', () => {
    const s = slice();
    const exit = event({ kind: 'env.transition', envId: 'env-1', transition: 'EXIT', data: { phase: 'progress', awaitingReap: 'agent-2:t1,agent-2:t3' } });
    const { next } = applyEvents(s, [exit], { liveSinceMs: 0 });
    expect(next.awaitingReap!.get('agent-2')!.map((x) => x.taskId)).toEqual(['t1', 't3']);
    const settled = applyEvents({ ...s, ...next }, [event({ kind: 'node.reaped', node: 'agent-2', data: { reaped: 'env-1/t1,env-1/t3', ended: '' } })], {
      liveSinceMs: 0,
    });
    expect(settled.next.awaitingReap!.has('agent-2')).toBe(false);
  });

  it('follows who holds an environment: a take-over names the new holder, a release frees it', () => {
    const s = slice();
    const took = applyEvents(s, [event({ kind: 'env.hold', timeMs: 5000, data: { action: 'take', holder: 'erin', previous: 'alice', reason: 'x' } })], {
      liveSinceMs: 0,
    });
    expect(took.next.envs!.get('env-1')!.holder).toBe('erin');
    expect(took.next.envs!.get('env-1')!.heldSinceMs).toBe(5000);
    expect(took.effects).toContainEqual({ kind: 'refreshEnv', envId: 'env-1' });
    const released = applyEvents({ ...s, ...took.next } as EventSlice, [event({ kind: 'env.hold', data: { action: 'release', holder: '' } })], {
      liveSinceMs: 0,
    });
    expect(released.next.envs!.get('env-1')!.holder).toBe('');
    expect(released.next.envs!.get('env-1')!.heldSinceMs).toBe(0);
  });

  it('leaves the environment counts to the server: task events ask for one refresh of it', () => {
    const s = slice();
    const batch = ['t1', 't2', 't3'].map((id) => event({ kind: 'task.state', taskId: id, state: 'RUNNING' }));
    const { next, effects } = applyEvents(s, batch, { liveSinceMs: 0 });
    // the page holds a window of the tasks: it cannot move counts for the tasks it does not hold,
    // and moving a snapshot that already counted these events would count them twice
    expect(next.envs).toBeUndefined();
    expect(next.tasks!.get('t1')!.state).toBe('RUNNING');
    expect(effects.filter((e) => e.kind === 'refreshEnv')).toEqual([{ kind: 'refreshEnv', envId: 'env-1' }]);
    // a summary event of a big environment (no task id) asks for the same refresh
    const summary = applyEvents(s, [event({ kind: 'task.state', taskId: '', state: 'RUNNING', data: { summary: 'true', count: '1000' } })], { liveSinceMs: 0 });
    expect(summary.effects).toContainEqual({ kind: 'refreshEnv', envId: 'env-1' });
  });

  it('leaves maps untouched when a batch changes nothing in them', () => {
    const s = slice();
    const { next } = applyEvents(s, [event({ kind: 'hook.start', envId: 'env-1' })], { liveSinceMs: 0 });
    expect(next.tasks).toBeUndefined();
    expect(next.envs).toBeUndefined();
    expect(next.events).toHaveLength(1);
  });

  it('skips events it has already applied (a resumed stream overlapping)', () => {
    const s = slice();
    const e1 = event({ kind: 'task.state', taskId: 't1', state: 'RUNNING' });
    const first = applyEvents(s, [e1], { liveSinceMs: 0 });
    const s2 = { ...s, ...first.next } as EventSlice;
    const again = applyEvents(s2, [e1, event({ kind: 'task.state', taskId: 't2', state: 'ERROR' })], { liveSinceMs: 0 });
    expect(again.next.lastSeq).toBe(2);
    expect(again.next.events!.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('tracks a transition from begin through progress to end', () => {
    let s = slice();
    const step = (ev: ReturnType<typeof event>) => {
      s = { ...s, ...applyEvents(s, [ev], { liveSinceMs: 0 }).next } as EventSlice;
    };
    step(event({ kind: 'env.transition', transition: 'START_ACTIVITY', data: { phase: 'begin', total: '3' } }));
    expect(s.progress.get('env-1')).toMatchObject({ transition: 'START_ACTIVITY', done: 0, total: 3 });
    expect(s.envs.get('env-1')!.transition).toBe('START_ACTIVITY');
    step(event({ kind: 'env.transition', transition: 'START_ACTIVITY', data: { phase: 'progress', done: '2', total: '3' } }));
    expect(s.progress.get('env-1')).toMatchObject({ done: 2, total: 3 });
    step(event({ kind: 'env.transition', transition: 'START_ACTIVITY', data: { phase: 'end' } }));
    expect(s.progress.has('env-1')).toBe(false);
    expect(s.envs.get('env-1')!.transition).toBe('');
  });

  it('sets the run number on run.start and clears it when the environment leaves RUNNING', () => {
    let s = slice();
    s = {
      ...s,
      ...applyEvents(s, [event({ kind: 'run.start', runNumber: 7 }), event({ kind: 'env.state', state: 'RUNNING', runNumber: 7 })], { liveSinceMs: 0 }).next,
    } as EventSlice;
    expect(s.envs.get('env-1')!.runNumber).toBe(7);
    const r = applyEvents(s, [event({ kind: 'env.state', state: 'CONFIGURED' })], { liveSinceMs: 0 });
    expect(r.next.envs!.get('env-1')!.runNumber).toBeUndefined();
    expect(r.effects).toContainEqual({ kind: 'refreshEnvs' });
  });

  it('notifies once when an environment goes to ERROR, naming the task; not for replayed history', () => {
    const s = slice();
    const err = errorDetail({ code: 'TASK_FAILED', message: 'exited', taskName: 'readout-0', node: 'agent-1', exitCode: 137 });
    const live = applyEvents(s, [event({ kind: 'env.state', state: 'ERROR', error: err, timeMs: 5000 })], { liveSinceMs: 1000 });
    const notes = live.effects.filter((e) => e.kind === 'notify');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ notice: { level: 'error', envId: 'env-1' } });
    expect((notes[0] as { notice: { body: string } }).notice.body).toContain('task readout-0');
    expect(live.next.envs!.get('env-1')!.error?.taskName).toBe('readout-0');
    const old = applyEvents(s, [event({ kind: 'env.state', state: 'ERROR', error: err, timeMs: 500 })], { liveSinceMs: 1000 });
    expect(old.effects.filter((e) => e.kind === 'notify')).toHaveLength(0);
  });

  it('notifies on entering ERROR even when a refetch already showed ERROR; not on a later update of the reason', () => {
    const s = slice();
    const err = errorDetail({ code: 'TASK_FAILED', message: 'exited', taskName: 'readout-1', node: 'agent-1', exitCode: 137 });
    // the environment's refetch (prompted by the task's exit) came back before the env.state event
    s.envs.set('env-1', { ...s.envs.get('env-1')!, state: 'ERROR', error: err });
    const entered = applyEvents(s, [event({ kind: 'env.state', state: 'ERROR', error: err, timeMs: 5000, data: { from: 'RUNNING' } })], { liveSinceMs: 1000 });
    expect(entered.effects.filter((e) => e.kind === 'notify')).toHaveLength(1);
    const update = applyEvents(s, [event({ kind: 'env.state', state: 'ERROR', error: err, timeMs: 6000 })], { liveSinceMs: 1000 });
    expect(update.effects.filter((e) => e.kind === 'notify')).toHaveLength(0);
  });

  it('marks lost tasks and records exits', () => {
    const s = slice();
    const { next } = applyEvents(
      s,
      [event({ kind: 'task.lost', taskId: 't1' }), event({ kind: 'task.exit', taskId: 't2', state: 'ERROR', data: { code: '137', signal: 'SIGKILL' } })],
      { liveSinceMs: 0 },
    );
    expect(next.tasks!.get('t1')!.lost).toBe(true);
    expect(next.tasks!.get('t2')!.exit).toMatchObject({ exited: true, code: 137, signal: 'SIGKILL' });
    expect(next.tasks!.get('t2')!.state).toBe('ERROR');
  });

  it('asks for the environment when events name tasks it does not know yet', () => {
    const s = slice();
    const { effects } = applyEvents(s, [event({ kind: 'task.state', taskId: 'new-task', state: 'RUNNING' })], { liveSinceMs: 0 });
    expect(effects).toContainEqual({ kind: 'refreshEnv', envId: 'env-1' });
  });

  it('forgets a destroyed environment and its tasks', () => {
    const s = slice();
    const { next } = applyEvents(s, [event({ kind: 'env.destroyed' })], { liveSinceMs: 0 });
    expect(next.envs!.has('env-1')).toBe(false);
    expect(next.tasks!.size).toBe(0);
    expect(next.envTaskIds!.has('env-1')).toBe(false);
  });

  it('keeps only the newest events when over the cap', () => {
    const s = slice();
    const batch = Array.from({ length: 30 }, () => event({ kind: 'hook.end' }));
    const { next } = applyEvents(s, batch, { liveSinceMs: 0, cap: 10 });
    expect(next.events).toHaveLength(10);
    expect(next.events![9]!.seq).toBe(30);
  });
});

describe('the store at scale', () => {
  it('applies a batch of 5,000 task events over 10,000 tasks as one update, keeping unchanged tasks', () => {
    const store = createConsoleStore();
    const tasks = Array.from({ length: 10_000 }, (_, i) => task({ id: `t${i}`, state: 'CONFIGURED' }));
    store.getState().upsertEnv(env({ id: 'env-1', state: 'CONFIGURED', tasks, counts: { total: 10_000, byState: { CONFIGURED: 10_000 }, lost: 0 } }));
    const before = store.getState().tasks;
    let updates = 0;
    const unsub = store.subscribe(() => {
      updates += 1;
    });
    resetSeq();
    const batch = Array.from({ length: 5000 }, (_, i) => event({ kind: 'task.state', taskId: `t${i * 2}`, state: 'RUNNING' }));
    store.getState().applyEvents(batch);
    unsub();
    const after = store.getState();
    expect(updates).toBe(1);
    expect(after.tasks.get('t0')!.state).toBe('RUNNING');
    expect(after.tasks.get('t1')).toBe(before.get('t1'));
    expect(after.envs.get('env-1')!.counts!.byState, 'counts come from the server').toEqual({ CONFIGURED: 10_000 });
  });

  it('keeps a task object when a refetch brings the same values', () => {
    const store = createConsoleStore();
    store.getState().setTasks('env-1', [task({ id: 'a', cpu: 0.5 }), task({ id: 'b' })]);
    const a = store.getState().tasks.get('a');
    store.getState().setTasks('env-1', [task({ id: 'a', cpu: 0.5 }), task({ id: 'b', cpu: 0.2 })]);
    expect(store.getState().tasks.get('a')).toBe(a);
    expect(store.getState().tasks.get('b')!.cpu).toBe(0.2);
  });

  it('keeps a bounded cpu/memory history per node', () => {
    const store = createConsoleStore();
    const node = {
      name: 'agent-1',
      address: '',
      host: '',
      labels: {},
      resources: undefined,
      up: true,
      lastSeenMs: 0,
      cpu: 0.1,
      memUsed: 1,
      memTotal: 2,
      tasks: 0,
      sim: false,
      pid: 1,
      suspect: false,
      suspectSinceMs: 0,
      refused: '',
      owner: '',
      loopLagMs: 0,
      schedule: 'ready',
      usedBy: [],
      inInventory: false,
    };
    for (let i = 0; i < 400; i++) store.getState().setNodes([{ ...node, cpu: i }], i * 1000);
    const h = store.getState().nodeHistory.get('agent-1')!;
    expect(h.length).toBe(300);
    expect(h.at(-1)!.cpu).toBe(399);
  });
});
