// The progress bar fed by two paths (the page's own ControlEnvironment stream, the env.transition
// events): a late report never takes the bar back within a step.
import { describe, expect, it } from 'vitest';
import { mergeProgress } from '../../renderer/src/store/progress.js';
import { createConsoleStore } from '../../renderer/src/store/store.js';
import { env, event } from './fixtures.js';

const p = (phase: string, done: number, total = 10_000, transition = 'DEPLOY') => ({ transition, phase, done, total, startedMs: 1000 });

describe('progress merge', () => {
  it('keeps the highest count of a step when an older report arrives late', () => {
    expect(mergeProgress(p('launch', 4500), p('launch', 2000)).done).toBe(4500);
    expect(mergeProgress(p('launch', 2000), p('launch', 4500)).done).toBe(4500);
  });

  it('ignores a late begin once the bar counts, and follows a new step or transition', () => {
    expect(mergeProgress(p('launch', 4500), p('begin', 0, 0))).toEqual(p('launch', 4500));
    expect(mergeProgress(p('hooks before', 3, 3), p('launch', 10))).toEqual(p('launch', 10));
    expect(mergeProgress(p('reset', 500, 10_000, 'RESET'), p('exit', 0, 10_000, 'EXIT'))).toEqual(p('exit', 0, 10_000, 'EXIT'));
    expect(mergeProgress(undefined, p('begin', 0, 0))).toEqual(p('begin', 0, 0));
  });

  it('keeps a known total when a report has none', () => {
    expect(mergeProgress(p('launch', 10), p('launch', 20, 0))).toMatchObject({ done: 20, total: 10_000 });
  });
});

describe('a transition this page ran and saw answered', () => {
  const progress = (seq: number, done: number, phase = 'progress') =>
    event({ kind: 'env.transition', seq, transition: 'RESET', data: { phase, step: 'reset', done: String(done), total: '150000' } });

  it('does not come back from its own events still on their way, and a new one still shows', () => {
    const store = createConsoleStore();
    store.getState().setEnvs([env({ id: 'env-1', transition: 'RESET' })]);
    store.getState().setProgress('env-1', { transition: 'RESET', phase: 'reset', done: 127_000, total: 150_000, startedMs: 1 });
    // the answer came on the stream; the end event was stored as seq 40
    store.getState().transitionAnswered('env-1', 40);
    expect(store.getState().progress.has('env-1')).toBe(false);
    // events of that same RESET, lagging behind the stream (the 150,000-task page saw 91,000 here)
    store.getState().applyEvents([progress(31, 91_000)]);
    expect(store.getState().progress.has('env-1')).toBe(false);
    store.getState().applyEvents([event({ kind: 'env.transition', seq: 40, transition: 'RESET', data: { phase: 'end', ok: 'true' } })]);
    expect(store.getState().progress.has('env-1')).toBe(false);
    expect(store.getState().envs.get('env-1')?.transition).toBe('');
    // the next transition, started elsewhere, is shown from its events
    store
      .getState()
      .applyEvents([event({ kind: 'env.transition', seq: 41, transition: 'EXIT', data: { phase: 'begin' } }), { ...progress(42, 5_000), transition: 'EXIT' }]);
    expect(store.getState().progress.get('env-1')).toMatchObject({ transition: 'EXIT', done: 5_000 });
  });
});

describe('a transition whose end event came before the last ticks of the stream of its page', () => {
  it('does not come back from those ticks, and the next transition shows again', () => {
    const store = createConsoleStore();
    store.getState().setEnvs([env({ id: 'env-1', transition: 'EXIT' })]);
    const tick = (done: number, transition = 'EXIT') => ({ transition, phase: 'exit', done, total: 150_000, startedMs: 1 });
    store.getState().setProgress('env-1', tick(121_000));
    // the end event (events path) overtakes the stream: the bar goes
    store.getState().applyEvents([event({ kind: 'env.transition', seq: 50, transition: 'EXIT', data: { phase: 'end', ok: 'true' } })]);
    expect(store.getState().progress.has('env-1')).toBe(false);
    // a tick of the stream still on its way (the 150,000-task page showed 87,000 after 121,000 here)
    store.getState().setProgress('env-1', tick(87_000));
    expect(store.getState().progress.has('env-1')).toBe(false);
    // the page runs the next transition: its begin and ticks show
    store.getState().setProgress('env-1', { transition: 'DEPLOY', phase: 'begin', done: 0, total: 0, startedMs: 2 });
    store.getState().setProgress('env-1', { transition: 'DEPLOY', phase: 'launch', done: 10, total: 150_000, startedMs: 2 });
    expect(store.getState().progress.get('env-1')).toMatchObject({ transition: 'DEPLOY', done: 10 });
  });

  it('a transition begun elsewhere after an end shows from its events', () => {
    const store = createConsoleStore();
    store.getState().setEnvs([env({ id: 'env-1' })]);
    store.getState().applyEvents([event({ kind: 'env.transition', seq: 60, transition: 'RESET', data: { phase: 'end', ok: 'true' } })]);
    store
      .getState()
      .applyEvents([
        event({ kind: 'env.transition', seq: 61, transition: 'EXIT', data: { phase: 'begin' } }),
        event({ kind: 'env.transition', seq: 62, transition: 'EXIT', data: { phase: 'progress', step: 'exit', done: '5000', total: '150000' } }),
      ]);
    expect(store.getState().progress.get('env-1')).toMatchObject({ transition: 'EXIT', done: 5_000 });
    // and the stream of a page that joined it is not refused
    store.getState().setProgress('env-1', { transition: 'EXIT', phase: 'exit', done: 6_000, total: 150_000, startedMs: 1 });
    expect(store.getState().progress.get('env-1')?.done).toBe(6_000);
  });
});
