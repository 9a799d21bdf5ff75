// What a benchmark reports: figures, each next to its floor and target, with the machine, the
// date, the command and the load; written as bench-results/<name>.json.
import fs from 'node:fs';
import path from 'node:path';
import type { Machine } from './machine.js';
import type { ProfileSummary } from './profile.js';

export interface Target {
  op: '<=' | '>=';
  value: number;
  /** how the target reads in the table, e.g. "<= 10 s" or "<= 2x floor" */
  text: string;
}

export interface Figure {
  id: string;
  label: string;
  value: number;
  unit: string;
  /** the physical floor for this figure, measured in the same run */
  floor?: { value: number; unit: string; what: string };
  target?: Target;
  met?: boolean;
  note?: string;
  /** the measurement could not be taken: why (value is then NaN, written as null) */
  failed?: string;
}

export interface BenchResult {
  name: string;
  title: string;
  size: 'full' | 'smoke';
  command: string;
  date: string;
  machine: Machine;
  /** /proc/loadavg before each measured part */
  load: Record<string, string>;
  durationMs: number;
  /** the final state was what it should be, and nothing was left behind */
  ok: boolean;
  figures: Figure[];
  /** raw numbers (per-step times, per-size series, samples summaries) */
  details: Record<string, unknown>;
  notes: string[];
  profiles?: ProfileSummary[];
  profiled?: boolean;
}

export function figure(
  id: string,
  label: string,
  value: number,
  unit: string,
  extra: { floor?: Figure['floor']; target?: Target; note?: string } = {},
): Figure {
  const f: Figure = { id, label, value, unit, ...extra };
  if (extra.target) f.met = extra.target.op === '<=' ? value <= extra.target.value : value >= extra.target.value;
  return f;
}

/** a figure that could not be measured (the benchmark's run failed): counts as a missed target */
export function failedFigure(id: string, label: string, unit: string, why: string, target?: Target): Figure {
  return { id, label, value: NaN, unit, target, met: target ? false : undefined, failed: why };
}

export const atMost = (value: number, text: string): Target => ({ op: '<=', value, text });

export function writeResult(dir: string, r: BenchResult, suffix = ''): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${r.name}${suffix}.json`);
  fs.writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  return file;
}

export function readResults(dir: string): BenchResult[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as BenchResult)
    .filter((r) => r && r.name && Array.isArray(r.figures));
}
