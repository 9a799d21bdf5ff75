// Debian's real Prometheus (/usr/bin/prometheus) for the metrics tests: a temp config scraping
// the given targets every second, its data in a temp dir, a free port; stop() kills it (and the
// test's after() calls it whether the test passed or not).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '../../support/free-port.js';
export { freePort };

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

export interface QueryResult {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

export interface Prometheus {
  url: string;
  /** GET /api/v1/query (an instant query at now) */
  query(expr: string): Promise<QueryResult>;
  /** the value of each series of an instant query, as numbers */
  values(expr: string): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

async function ready(url: string, child: ChildProcess, log: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) throw new Error(`prometheus not ready after ${timeoutMs} ms: ${fs.readFileSync(log, 'utf8').slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts Prometheus scraping `targets` (host:port, path /metrics) every second. */
export async function startPrometheus(dir: string, targets: Record<string, string>): Promise<Prometheus> {
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const scrapeConfigs = Object.entries(targets)
    .map(([job, target]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ['${target}']`)
    .join('\n');
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(config, `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${scrapeConfigs}\n`);
  const check = spawnSync(PROMTOOL, ['check', 'config', config], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`promtool check config: ${check.stdout}${check.stderr}`);
  const port = await freePort();
  const log = path.join(dir, 'prometheus.log');
  const out = fs.openSync(log, 'a');
  const child = spawn(
    PROMETHEUS,
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await ready(url, child, log, 20_000);
  } catch (e) {
    await stop();
    throw e;
  }
  const query = async (expr: string): Promise<QueryResult> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await res.json()) as QueryResult;
  };
  return {
    url,
    query,
    async values(expr) {
      const r = await query(expr);
      if (r.status !== 'success') throw new Error(`query ${expr}: ${r.errorType}: ${r.error}`);
      return (r.data?.result ?? []).map((x) => ({ metric: x.metric, value: Number(x.value[1]) }));
    },
    stop,
  };
}

/** `promtool check metrics` over an endpoint's text: '' when it passes, else what it says. */
export function promtoolCheck(text: string): string {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return r.status === 0 ? '' : `${r.stdout}${r.stderr}`.trim() || `exit ${r.status}`;
}
