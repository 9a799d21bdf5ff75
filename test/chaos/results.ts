// What a chaos run found: per fault family the faults injected and the failures (each with the
// check that failed and what it saw), the totals the "Done when" names, and where it ran.
// Written as bench-results/chaos.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { machineInfo, loadavg, type Machine } from '../bench/machine.js';

export const CHECKS = [
  'orphan',
  'contradiction',
  'duplicate-run',
  'lost-run',
  'run-order',
  'open-run-without-tasks',
  'recovery',
  'aborted-within-grace',
  'stuck',
  'expectation',
  'node-return',
  'harness',
] as const;
export type CheckName = (typeof CHECKS)[number];

export interface Failure {
  fault: number;
  family: string;
  check: CheckName;
  detail: string;
  atMs: number;
}

export interface FamilyResult {
  count: number;
  inside: number;
  between: number;
  failures: number;
  /** a few lines on what the faults did (e.g. how long the stops lasted) */
  notes: Record<string, number>;
}

export interface ChaosResults {
  name: 'chaos';
  command: string;
  date: string;
  machine: Machine;
  load: { start: string; end: string };
  durationMs: number;
  seed: number;
  options: Record<string, unknown>;
  faults: number;
  families: Record<string, FamilyResult>;
  totals: Record<CheckName, number>;
  failures: Failure[];
  logDisk: { real: boolean; how: string };
  recovers: number;
  notes: string[];
  ok: boolean;
}

export class Recorder {
  readonly started = Date.now();
  readonly families: Record<string, FamilyResult> = {};
  readonly failures: Failure[] = [];
  private seen = new Set<string>();
  faults = 0;
  recovers = 0;
  readonly notes: string[] = [];

  fault(family: string, inside: boolean): number {
    const f = (this.families[family] ??= { count: 0, inside: 0, between: 0, failures: 0, notes: {} });
    f.count++;
    if (inside) f.inside++;
    else f.between++;
    return ++this.faults;
  }

  note(family: string, key: string): void {
    const f = (this.families[family] ??= { count: 0, inside: 0, between: 0, failures: 0, notes: {} });
    f.notes[key] = (f.notes[key] ?? 0) + 1;
  }

  /** records a failure once (the same finding seen by a later check is not counted again) */
  fail(fault: number, family: string, check: CheckName, detail: string): void {
    const key = `${check}:${detail}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.failures.push({ fault, family, check, detail, atMs: Date.now() - this.started });
    const f = (this.families[family] ??= { count: 0, inside: 0, between: 0, failures: 0, notes: {} });
    f.failures++;
    console.error(`chaos: FAIL fault ${fault} (${family}) ${check}: ${detail}`);
  }

  totals(): Record<CheckName, number> {
    const t = Object.fromEntries(CHECKS.map((c) => [c, 0])) as Record<CheckName, number>;
    for (const f of this.failures) t[f.check]++;
    return t;
  }
}

export function buildResults(r: Recorder, extra: Pick<ChaosResults, 'command' | 'seed' | 'options' | 'logDisk'> & { loadStart: string }): ChaosResults {
  const totals = r.totals();
  return {
    name: 'chaos',
    command: extra.command,
    date: new Date(r.started).toISOString(),
    machine: machineInfo(),
    load: { start: extra.loadStart, end: loadavg() },
    durationMs: Date.now() - r.started,
    seed: extra.seed,
    options: extra.options,
    faults: r.faults,
    families: r.families,
    totals,
    failures: r.failures,
    logDisk: extra.logDisk,
    recovers: r.recovers,
    notes: r.notes,
    ok: r.failures.length === 0,
  };
}

export function writeResults(results: ChaosResults, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
