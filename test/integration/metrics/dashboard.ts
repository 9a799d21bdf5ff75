// The PromQL of the shipped Grafana dashboard (assets/grafana/baton.json), with Grafana's
// variables put in as Grafana would: every environment, a one-minute rate window.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../controller/harness.js';

export const DASHBOARD = path.join(ROOT, 'assets', 'grafana', 'baton.json');

/** Panels that show events a healthy RUNNING daq-chain has none of: valid queries, no data. */
export const MAY_BE_EMPTY = new Set(['Transition failures by code', 'Task restarts', 'Task exits by reason']);

interface Panel {
  title: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

export function dashboardQueries(): { title: string; expr: string }[] {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  const out: { title: string; expr: string }[] = [];
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        if (t.expr) out.push({ title: p.title, expr: t.expr.replaceAll('$__rate_interval', '1m').replaceAll('$env', '.*') });
      }
      walk(p.panels ?? []);
    }
  };
  walk(dashboard.panels);
  return out;
}
