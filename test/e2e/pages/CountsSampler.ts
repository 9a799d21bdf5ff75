// Samples what the environment page shows of its size while transitions run: the task counts of the
// Overview (their aria-label: "N tasks: a RUNNING, b CONFIGURED, c lost") and the transition's
// progress bar (aria-valuenow of aria-valuemax, its label naming the transition and step). The
// sampler runs inside the page every 50 ms, so a burst of updates between two Playwright round
// trips is seen too; `violations` says which samples show something impossible.
import type { Page } from 'playwright-core';

export interface CountsSample {
  atMs: number;
  /** the Overview's counts, when shown */
  counts?: { total: number; byState: Record<string, number>; lost: number };
  /** the progress bar, when shown (done and total only once the controller has said them) */
  progress?: { label: string; done?: number; total?: number };
}

export class CountsSampler {
  constructor(readonly page: Page) {}

  async start(everyMs = 50): Promise<void> {
    await this.page.evaluate((every) => {
      // runs in the page (DOM types are not in this project's lib)
      const g = globalThis as unknown as {
        __countSamples: unknown[];
        __countTimer?: number;
        document: { querySelector(s: string): { getAttribute(n: string): string | null } | null };
        setInterval(f: () => void, ms: number): number;
        clearInterval(id: number): void;
        performance: { now(): number };
      };
      if (g.__countTimer) g.clearInterval(g.__countTimer);
      g.__countSamples = [];
      const read = () => {
        const sample: Record<string, unknown> = { atMs: g.performance.now() };
        const c = g.document.querySelector('.overview .counts[aria-label]')?.getAttribute('aria-label');
        const m = c ? /^(\d+) tasks: (.*)$/.exec(c) : null;
        if (m) {
          const byState: Record<string, number> = {};
          let lost = 0;
          for (const part of m[2]!.split(', ')) {
            const p = /^(\d+) (\S+)$/.exec(part);
            if (!p) continue;
            if (p[2] === 'lost') lost = Number(p[1]);
            else byState[p[2]!] = Number(p[1]);
          }
          sample.counts = { total: Number(m[1]), byState, lost };
        }
        const bar = g.document.querySelector('[role="progressbar"]');
        if (bar) {
          const now = bar.getAttribute('aria-valuenow');
          sample.progress = {
            label: bar.getAttribute('aria-label') ?? '',
            done: now === null ? undefined : Number(now),
            total: now === null ? undefined : Number(bar.getAttribute('aria-valuemax')),
          };
        }
        g.__countSamples.push(sample);
      };
      read();
      g.__countTimer = g.setInterval(read, every);
    }, everyMs);
  }

  /** stops sampling and returns every sample taken */
  async stop(): Promise<CountsSample[]> {
    return this.page.evaluate(() => {
      const g = globalThis as unknown as { __countSamples: unknown[]; __countTimer?: number; clearInterval(id: number): void };
      if (g.__countTimer) g.clearInterval(g.__countTimer);
      g.__countTimer = undefined;
      return g.__countSamples as CountsSample[];
    });
  }
}

/**
 * What a user must never see in an environment of `tasks` tasks: a count over the total, a total
 * that is not the environment's size, states that do not add up to it, progress over its own total
 * or over the environment's size, progress going back within one transition step (one label, seen
 * without the bar going away in between).
 */
export function violations(samples: readonly CountsSample[], tasks: number): string[] {
  const out: string[] = [];
  let last: { label: string; done: number } | null = null;
  for (const s of samples) {
    const at = `at ${Math.round(s.atMs)} ms`;
    if (s.counts) {
      const { total, byState, lost } = s.counts;
      const sum = Object.values(byState).reduce((a, b) => a + b, 0);
      if (total !== tasks) out.push(`${at}: total ${total}, not ${tasks}`);
      if (sum !== total) out.push(`${at}: states add up to ${sum}, not ${total} (${JSON.stringify(byState)})`);
      for (const [state, n] of Object.entries(byState)) if (n < 0 || n > total) out.push(`${at}: ${n} ${state} of ${total}`);
      if (lost < 0 || lost > total) out.push(`${at}: ${lost} lost of ${total}`);
    }
    const p = s.progress;
    if (p && p.done !== undefined && p.total !== undefined) {
      if (p.done < 0 || p.done > p.total) out.push(`${at}: progress ${p.done} of ${p.total} (${p.label})`);
      if (p.total > tasks) out.push(`${at}: progress total ${p.total} over the ${tasks} tasks (${p.label})`);
      if (last && last.label === p.label && p.done < last.done) out.push(`${at}: progress went back from ${last.done} to ${p.done} (${p.label})`);
      last = { label: p.label, done: p.done };
    } else if (!p) last = null;
  }
  return out;
}

/** the distinct progress labels seen with a number, and the highest done of each */
export function progressSeen(samples: readonly CountsSample[]): Record<string, number> {
  const seen: Record<string, number> = {};
  for (const s of samples) if (s.progress?.done !== undefined) seen[s.progress.label] = Math.max(seen[s.progress.label] ?? 0, s.progress.done);
  return seen;
}
