// The progress bar fed by two paths (the page's own ControlEnvironment stream, the env.transition
// events): a late report never takes the bar back within a step.
import { describe, expect, it } from 'vitest';
import { mergeProgress } from '../../renderer/src/store/progress.js';

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
