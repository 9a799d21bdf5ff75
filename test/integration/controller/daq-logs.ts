// Reading what the demo DAQ tasks (assets/programs/readout.ts, sink.ts) print to their log files.
import * as fs from 'node:fs';
import type { Task } from '../../../core/rpc/gen/control.js';

export function logOf(t: Task): string {
  try {
    return fs.readFileSync(t.logPath, 'utf8');
  } catch {
    return '';
  }
}

/** The text after the last line matching `marker` ('' when there is none). */
export function after(text: string, marker: RegExp): string {
  let at = -1;
  for (const m of text.matchAll(new RegExp(marker.source, `${marker.flags.replace('g', '')}g`))) at = m.index! + m[0].length;
  return at < 0 ? '' : text.slice(at);
}

/** Lines of a readout saying how many frames it sent in this run (one per second while RUNNING). */
export function framesLines(text: string): string[] {
  return text.split('\n').filter((l) => l.includes('frames this run'));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
