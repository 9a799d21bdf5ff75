// The load-history charts' data (renderer/src/features/history/chartData.ts): QueryHistory's series
// become one row per time with a column per line (gaps stay gaps), and each line's text
// alternative says its latest, min, mean and max.
import { describe, expect, it } from 'vitest';
import type { HistorySeries } from '../../core/rpc/gen/control.js';
import { clockOf, linesOf, rowsOf, summaryOf } from '../../renderer/src/features/history/chartData.js';

const series = (metric: string, node: string, times: number[], values: number[]): HistorySeries => ({ metric, labels: { node }, timesMs: times, values });

describe('history chart data', () => {
  const reply = [series('cpu', 'node-10', [1000, 2000], [5, 7]), series('cpu', 'node-2', [1000, 3000], [1, 3]), series('memory', 'node-2', [1000], [42])];

  it('picks one metric, lines sorted by name with numbers in order', () => {
    const lines = linesOf(reply, 'cpu', (s) => s.labels.node!);
    expect(lines.map((l) => l.label)).toEqual(['node-2', 'node-10']);
  });

  it('one row per time, a column per line, a missing point left out', () => {
    const lines = linesOf(reply, 'cpu', (s) => s.labels.node!);
    const rows = rowsOf(lines);
    const [a, b] = [lines[0]!.key, lines[1]!.key];
    expect(rows).toEqual([
      { t: 1000, [a]: 1, [b]: 5 },
      { t: 2000, [b]: 7 },
      { t: 3000, [a]: 3 },
    ]);
  });

  it("summarises a line's latest, min, mean and max; an empty line has none", () => {
    const [line] = linesOf([series('cpu', 'n', [1, 2, 3], [4, 1, 7])], 'cpu', () => 'n');
    expect(summaryOf(line!)).toEqual({ label: 'n', latest: 7, min: 1, mean: 4, max: 7, points: 3 });
    const [empty] = linesOf([series('cpu', 'n', [], [])], 'cpu', () => 'n');
    expect(summaryOf(empty!).points).toBe(0);
  });

  it('ticks: seconds within an hour, minutes within a day, the date beyond', () => {
    const t = new Date(2026, 11, 2, 21, 5, 9).getTime();
    expect(clockOf(t, 900_000)).toBe('21:05:09');
    expect(clockOf(t, 6 * 3_600_000)).toBe('21:05');
    expect(clockOf(t, 24 * 3_600_000)).toBe('02/12 21:05');
  });
});
