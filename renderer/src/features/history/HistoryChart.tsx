// One plot of the load history: a titled figure with recharts lines, and its text alternative (a
// one-line summary and a table of latest, min, mean and max per line) for screen readers and
// for anyone who wants the figures. Colours are CSS variables, so light and dark both read.
import { useId } from 'react';
import { CartesianGrid, Legend, Line as ChartLine, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { clockOf, rowsOf, summaryOf, type Line } from './chartData.js';

const MAX_LINES = 8;

export interface HistoryChartProps {
  title: string;
  lines: Line[];
  format(value: number): string;
  sinceMs: number;
  untilMs: number;
}

export function HistoryChart({ title, lines, format, sinceMs, untilMs }: HistoryChartProps) {
  const id = useId();
  const shown = lines.slice(0, MAX_LINES);
  const rows = rowsOf(shown);
  const span = untilMs - sinceMs;
  const summaries = shown.map(summaryOf);
  const withData = summaries.filter((s) => s.points > 0);
  const text = withData.length ? withData.map((s) => `${s.label}: now ${format(s.latest)}, max ${format(s.max)}`).join('; ') : 'No samples in this range yet.';
  return (
    <figure
      className="chart history-chart"
      aria-labelledby={`${id}-t`}
      aria-describedby={`${id}-s`}
      data-points={rows.length}
      data-since={sinceMs}
      data-until={untilMs}
    >
      <figcaption id={`${id}-t`}>{title}</figcaption>
      {rows.length ? (
        // the drawing is for the eye; the summary and the table below say the same in text (and
        // recharts' keyboard layer is off, so nothing hidden takes the focus)
        <div aria-hidden="true">
          <ResponsiveContainer width="100%" height={220}>
            <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 4 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={[sinceMs, untilMs]}
                tickFormatter={(t) => clockOf(Number(t), span)}
                stroke="var(--muted)"
                minTickGap={40}
              />
              <YAxis stroke="var(--muted)" tickFormatter={(v) => format(Number(v))} width={80} />
              <Tooltip
                labelFormatter={(t) => clockOf(Number(t), 0)}
                formatter={(v) => format(Number(v))}
                contentStyle={{ background: 'var(--surface)', color: 'var(--text)', border: '1px solid var(--border)' }}
              />
              <Legend />
              {shown.map((l, i) => (
                <ChartLine
                  key={l.key}
                  type="monotone"
                  dataKey={l.key}
                  name={l.label}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls={false}
                  stroke={`var(--series-${(i % 8) + 1})`}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      ) : null}
      <p id={`${id}-s`} className="chart-summary muted">
        {text}
        {lines.length > MAX_LINES ? ` (the first ${MAX_LINES} of ${lines.length} lines are plotted)` : ''}
      </p>
      {withData.length ? (
        <details className="chart-summary">
          <summary>Table</summary>
          <table className="grid">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Series</th>
                <th scope="col" className="num">
                  Latest
                </th>
                <th scope="col" className="num">
                  Min
                </th>
                <th scope="col" className="num">
                  Mean
                </th>
                <th scope="col" className="num">
                  Max
                </th>
                <th scope="col" className="num">
                  Points
                </th>
              </tr>
            </thead>
            <tbody>
              {summaries.map((s) => (
                <tr key={s.label}>
                  <th scope="row" className="mono">
                    {s.label}
                  </th>
                  <td className="num">{format(s.latest)}</td>
                  <td className="num">{format(s.min)}</td>
                  <td className="num">{format(s.mean)}</td>
                  <td className="num">{format(s.max)}</td>
                  <td className="num">{s.points}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </figure>
  );
}
