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
