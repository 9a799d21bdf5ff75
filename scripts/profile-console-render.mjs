// Splits the console's first render of a big environment (docs/performance.md, "Console at
// 150,000 tasks"): a sim-farm of N tasks (default 150,000) on the benchmark's stack, then
// GetEnvironment timed at the controller (gRPC), the page's calls through the gateway (HTTP: time
// to headers, to the last byte, bytes: the old every-task GetEnvironment, the counts, the tree,
// ListTasks windows), and the environment page loaded in Chromium under the CDP Profiler
// (self and inclusive time per function; raw .cpuprofile files in OUT, default a temp dir).
// Needs `npm run build`. Usage: [N=150000] [OUT=dir] node scripts/profile-console-render.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = process.env.OUT ?? fs.mkdtempSync(path.join(os.tmpdir(), 'baton-render-profile-'));
fs.mkdirSync(OUT, { recursive: true });
const { Stack, PACKAGE_ROOT } = await import(ROOT + '/dist/test/bench/stack.js');
const { chromium } = await import('playwright-core');
const N = Number(process.env.N ?? 150000);
const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);
const load = () => fs.readFileSync('/proc/loadavg', 'utf8').trim();
const stack = await Stack.up({ simAgents: Math.max(5, N / 1000) });
let child, browser;
try {
  const c = stack.client;
  log('load', load());
  const env = await c.create('sim-farm', { tasks: String(N) }, 900000);
  await c.transition(env.id, 'DEPLOY', 900000);
  log('deployed', env.id, 'load', load());
  // 1. controller GetEnvironment over gRPC (BenchClient, same process)
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const e = await c.getEnv(env.id, true, true);
    log(`grpc GetEnvironment: ${(performance.now() - t).toFixed(0)} ms, ${e.tasks.length} tasks`);
  }
  // 2. the gateway
  child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'baton.js'), 'console', '--json'], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, BATON_HOME: stack.home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = await new Promise((res) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) res(JSON.parse(out.slice(0, nl)));
    });
  });
  const base = info.url.replace(/\/$/, '');
  // the old first fetch (every task and the tree), then what the page asks now: the environment
  // (counts), its tree (graph and overview tabs), and task table windows (ListTasks)
  const calls = [
    ['GetEnvironment', 'every task + tree (old first fetch)', { id: env.id, withTasks: true, withTree: true }],
    ['GetEnvironment', 'counts only', { id: env.id, withTasks: false, withTree: false }],
    ['GetEnvironment', 'tree, no tasks', { id: env.id, withTasks: false, withTree: true }],
    ['GetEnvironment', 'tree over 300 leaves collapsed (graph and overview tabs)', { id: env.id, withTasks: false, withTree: true, treeLeafLimit: 300 }],
    ['ListTasks', 'window 0-150 by name', { envId: env.id, offset: 0, limit: 150 }],
    ['ListTasks', 'window 75000-75250 by cpu desc', { envId: env.id, offset: 75000, limit: 250, sort: 'cpu', descending: true }],
    ['ListTasks', 'window by search "sim-1-7"', { envId: env.id, offset: 0, limit: 150, search: 'sim-1-7' }],
  ];
  for (const [method, label, body] of calls) {
    for (let i = 0; i < 3; i++) {
      const post = () =>
        fetch(`${base}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-baton-console-token': info.token },
          body: JSON.stringify(body),
        });
      let t = performance.now();
      // a kept-alive socket the gateway closed meanwhile: once more, on a fresh one
      const r = await post().catch(() => {
        t = performance.now();
        return post();
      });
      const th = performance.now();
      const text = await r.text();
      const tb = performance.now();
      JSON.parse(text);
      const tp = performance.now();
      log(
        `http ${method} (${label}): status ${r.status}, headers ${(th - t).toFixed(0)} ms, body done ${(tb - t).toFixed(0)} ms, ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB, node JSON.parse ${(tp - tb).toFixed(0)} ms`,
      );
    }
  }
  // 3. the page
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(info.openUrl);
  await page.getByRole('banner').getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 30000 });
  for (const view of ['tasks', 'graph', 'tasks']) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await page.goto('about:blank');
    await cdp.send('Profiler.start');
    await page.goto(`${base}/envs/${env.id}/${view}`);
    if (view === 'tasks') await page.getByText(`${N} of ${N} tasks`).waitFor({ timeout: 120000 });
    else await page.getByRole('region', { name: 'Dataflow graph' }).getByRole('button').first().waitFor({ timeout: 120000 });
    const ms = await page.evaluate(() => performance.now());
    const res = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((r) => r.name.includes('GetEnvironment') || r.name.includes('ListTasks'))
        .map((r) => ({
          name: r.name,
          start: r.startTime,
          reqStart: r.requestStart,
          respStart: r.responseStart,
          respEnd: r.responseEnd,
          size: r.transferSize,
          body: r.decodedBodySize,
        })),
    );
    const { profile } = await cdp.send('Profiler.stop');
    fs.writeFileSync(path.join(OUT, `page-${view}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    log(
      `page ${view}: first render ${ms.toFixed(0)} ms; fetches ${JSON.stringify(res.map((r) => ({ call: r.name.slice(r.name.lastIndexOf('/') + 1), start: Math.round(r.start), ttfb: Math.round(r.respStart), end: Math.round(r.respEnd), MB: +(r.body / 1e6).toFixed(1) })))}; load ${load()}`,
    );
    summarize(profile);
    await cdp.detach();
  }
} finally {
  await browser?.close().catch(() => {});
  child?.kill('SIGTERM');
  await stack.down();
}
function summarize(p) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
  const self = new Map();
  const incl = new Map();
  let total = 0,
    idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    const id = p.samples[i];
    const cf = byId.get(id).callFrame;
    if (cf.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    total += dt;
    const k = `${cf.functionName || '(anon)'}@${cf.url.split('/').pop()}:${cf.lineNumber}`;
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set();
    for (let x = id; x !== undefined; x = parent.get(x)) {
      const f = byId.get(x).callFrame;
      const kk = `${f.functionName || '(anon)'}@${f.url.split('/').pop()}:${f.lineNumber}`;
      if (seen.has(kk)) continue;
      seen.add(kk);
      incl.set(kk, (incl.get(kk) ?? 0) + dt);
    }
  }
  const top = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`)
      .join('\n');
  console.log(`  busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms\n self:\n${top(self, 25)}\n inclusive:\n${top(incl, 40)}`);
}
