// `baton run show`: the summary of an ended run (docs/observability.md, "Run summaries"): what
// flowed on each channel edge, in totals and average rates, and which tasks restarted.
import type { RunSummary } from '../rpc/gen/control.js';
import { fmtBytes, fmtDuration, table } from './output.js';

/** 1234.5 -> "1,235"; rates under 10 keep a decimal. */
const fmtCount = (n: number) => (n < 10 && !Number.isInteger(n) ? n.toFixed(1) : Math.round(n).toLocaleString('en-US'));

export function summaryLines(s: RunSummary): string[] {
  const lines = [
    `summary:    over ${fmtDuration(s.durationMs)}, counted from ${s.countedFrom || 'run start'}${s.aggregated ? ' (per collection: more tasks than the label limit)' : ''}`,
  ];
  if (s.channels.length) {
    const rows = s.channels.map((c) => [
      c.from,
      c.to,
      c.type,
      fmtCount(c.messages),
      fmtBytes(c.bytes),
      `${fmtCount(c.msgRate)}/s`,
      `${fmtBytes(c.byteRate)}/s`,
    ]);
    for (const l of table(['FROM', 'TO', 'TYPE', 'MESSAGES', 'BYTES', 'MSG RATE', 'BYTE RATE'], rows).split('\n')) lines.push(`  ${l}`);
  } else {
    lines.push('  channels   none');
  }
  if (s.restartsTotal) {
    lines.push(`  restarts   ${s.restartsTotal}: ${s.restarts.map((r) => `${r.task} ${r.restarts}`).join(', ')}`);
  } else {
    lines.push('  restarts   none');
  }
  return lines;
}

/** The summary in `--json` output. */
export function summaryJson(s: RunSummary | undefined) {
  if (!s) return null;
  return {
    durationMs: s.durationMs,
    countedFrom: s.countedFrom,
    aggregated: s.aggregated,
    channels: s.channels.map((c) => ({ from: c.from, to: c.to, type: c.type, messages: c.messages, bytes: c.bytes, msgRate: c.msgRate, byteRate: c.byteRate })),
    restarts: s.restarts.map((r) => ({ task: r.task, restarts: r.restarts })),
    restartsTotal: s.restartsTotal,
  };
}
