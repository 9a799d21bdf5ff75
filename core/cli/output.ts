// Output for people (aligned tables, ages, sizes) and for programs (--json: one document).
import type { Command } from 'commander';
import type { Diagnostic } from '../workflow/types.js';

let jsonMode = false;

/** Set from the running command's --json flag before its action runs. */
export function setJsonMode(on: boolean): void {
  jsonMode = on;
}
export function isJsonMode(): boolean {
  return jsonMode;
}

export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}

/** One JSON value per line, for --follow streams. */
export function printJsonLine(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc) + '\n');
}

export function out(line = ''): void {
  process.stdout.write(line + '\n');
}

/** Messages about what is happening (progress, hints): stderr, so stdout stays the result. */
export function info(line: string): void {
  process.stderr.write(line + '\n');
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function fmtAge(sinceMs: number, now = Date.now()): string {
  if (!sinceMs) return '-';
  const s = Math.max(0, Math.floor((now - sinceMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export function fmtBytes(n: number): string {
  if (!n) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 && i ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function fmtTime(ms: number): string {
  if (!ms) return '-';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Adds --json to a command. */
export function withJson(cmd: Command, what = 'print one JSON document'): Command {
  return cmd.option('--json', what);
}

/** Resolves once everything written to stdout and stderr is flushed (before process.exit). */
export async function flushOutput(): Promise<void> {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((r) => s.write('', () => r()))));
}

/** A lint problem as one line: file:line:col: severity CODE: message (templates, walkthroughs). */
export function diagnosticLine(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity} ${d.code}: ${d.message}`;
}
