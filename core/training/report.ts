// A walkthrough's report: time per step, wrong actions, hints used, faults injected; saved as JSON
// under the stack's home (training/reports/) so that the trainer can list and read them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';
import type { WrongAction } from './actions.js';

export interface StepReport {
  title: string;
  durationMs: number;
  hints: string[];
  faults: string[];
  wrongActions: WrongAction[];
  /** false: the walkthrough ended in this step (timed out or stopped) */
  completed: boolean;
}

export interface TrainingReport {
  walkthrough: string;
  title: string;
  trainee: string;
  scripted: boolean;
  envId: string;
  startedMs: number;
  durationMs: number;
  outcome: 'completed' | 'failed' | 'stopped';
  /** why it failed or stopped */
  reason?: string;
  steps: StepReport[];
}

export function reportsDir(home: string): string {
  return path.join(home, 'training', 'reports');
}

export function saveReport(home: string, r: TrainingReport): string {
  const dir = reportsDir(home);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${new Date(r.startedMs).toISOString().replace(/[:.]/g, '-')}-${r.walkthrough}.json`);
  fs.writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/** every saved report, newest first, with its file */
export function listReports(home: string): { file: string; report: TrainingReport }[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(reportsDir(home)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .sort()
    .reverse()
    .map((n) => ({ file: path.join(reportsDir(home), n), report: JSON.parse(fs.readFileSync(path.join(reportsDir(home), n), 'utf8')) as TrainingReport }));
}

/** a report by file name (or path), or the newest with 'last' */
export function readReport(home: string, which: string): { file: string; report: TrainingReport } {
  const all = listReports(home);
  const found =
    which === 'last' ? all[0] : all.find((r) => r.file === path.resolve(which) || path.basename(r.file) === which || path.basename(r.file, '.json') === which);
  if (!found) throw new BatonError('NOT_FOUND', `no training report ${which} in ${reportsDir(home)} (${all.length} there)`, { where: which });
  return found;
}
