// The agent's own event-loop delay while it launches and kills 1,000 tasks: does its heartbeat
// (every 1 s) or its control path ever wait behind its own work? The agent runs in its own process
// and reports the delay in every Heartbeat (loop_lag_p99_ms, loop_lag_max_ms over the second
// before it); this drives it over a real Session and prints the worst figures per phase, and the
// longest gap between two heartbeats. Figures: docs/reliability.md.
//   node dist/test/bench/agent-loop-lag.js [tasks=1000] [basic|c|node ...]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Heartbeat, LaunchSpec } from '../../core/rpc/gen/agent.js';
import { TestController, client, spec, tempHome, TOKEN } from '../integration/agent/harness.js';
import { startChildAgent } from '../integration/controller/procs.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const C_DEMO = path.join(ROOT, 'dist', 'assets', 'programs', 'c-demo-task');
const NODE_DEMO = path.join(ROOT, 'dist', 'assets', 'programs', 'demo-task.js');

type Kind = 'basic' | 'c' | 'node';

function specFor(kind: Kind, i: number): LaunchSpec {
  const taskId = `env-lag/${kind}-${i}`;
  if (kind === 'basic') return spec({ taskId, control: 'basic', command: '/bin/sleep', args: ['3600'], termMs: 2000 });
  if (kind === 'c') return spec({ taskId, command: C_DEMO, args: [], controlExitMs: 3000, termMs: 2000 });
  return spec({ taskId, args: ['--no-memory-reducer-for-small-heaps', NODE_DEMO], controlExitMs: 3000, termMs: 2000 });
}

interface PhaseFigures {
  phase: string;
  ms: number;
  heartbeats: number;
  p99Ms: number;
  maxMs: number;
  maxGapMs: number;
}

/** Runs fn, then waits for two more heartbeats, so that the phase's delay is reported. */
async function phase(ctl: TestController, name: string, fn: () => Promise<unknown>): Promise<PhaseFigures> {
  const from = ctl.heartbeats.length;
  const t0 = Date.now();
  await fn();
  const ms = Date.now() - t0;
  await ctl.waitFor(() => ctl.heartbeats.length >= from + 2, 30_000, 'heartbeats after the phase');
  const hbs: Heartbeat[] = ctl.heartbeats.slice(from);
  let maxGapMs = 0;
  for (let i = 1; i < hbs.length; i++) maxGapMs = Math.max(maxGapMs, Number(hbs[i]!.timeMs) - Number(hbs[i - 1]!.timeMs));
  const r = {
    phase: name,
    ms,
    heartbeats: hbs.length,
    p99Ms: Math.max(...hbs.map((h) => h.loopLagP99Ms)),
    maxMs: Math.max(...hbs.map((h) => h.loopLagMaxMs)),
    maxGapMs,
  };
  console.error(`${name}: ${JSON.stringify(r)}`);
  return r;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  const kinds = (process.argv.slice(3).length ? process.argv.slice(3) : ['basic', 'c']) as Kind[];
  if (kinds.includes('c') && !fs.existsSync(C_DEMO)) throw new Error(`${C_DEMO} is missing: npm run build`);
  const home = tempHome();
  const agent = await startChildAgent({ name: 'lag', home, listen: `unix://${home}/lag.sock`, token: TOKEN, labels: {}, portRange: [24000, 24999] });
  const ctl = await TestController.open(agent.address, TOKEN, 'ctl-lag');
  const rows: PhaseFigures[] = [];
  try {
    rows.push(await phase(ctl, 'idle', () => new Promise((r) => setTimeout(r, 2000))));
    for (const kind of kinds) {
      const specs = Array.from({ length: n }, (_, i) => specFor(kind, i));
      const ids = specs.map((s) => s.taskId);
      rows.push(
        await phase(ctl, `${kind}: launch ${n}`, async () => {
          const ups = await ctl.launch(specs, 120_000, 300_000);
          const bad = ups.filter((u) => u.kind !== 'launched');
          if (bad.length) throw new Error(`${bad.length} launches failed: ${JSON.stringify(bad[0])}`);
        }),
      );
      if (kind !== 'basic')
        rows.push(
          await phase(ctl, `${kind}: CONFIGURE ${n}`, () =>
            ctl.transition(
              'CONFIGURE',
              ids.map((taskId) => ({ taskId })),
              60_000,
              120_000,
            ),
          ),
        );
      rows.push(await phase(ctl, `${kind}: graded kill ${n}`, () => ctl.kill(ids, true, 120_000)));
      // and the same once more with SIGKILL at once
      rows.push(
        await phase(ctl, `${kind}: relaunch ${n}`, () =>
          ctl.launch(
            specs.map((s) => ({ ...s, taskId: `${s.taskId}-b` })),
            120_000,
            300_000,
          ),
        ),
      );
      rows.push(
        await phase(ctl, `${kind}: SIGKILL ${n}`, () =>
          ctl.kill(
            ids.map((id) => `${id}-b`),
            false,
            120_000,
          ),
        ),
      );
    }
  } finally {
    ctl.close();
    // SIGTERM: the agent stops and kills what is left (a failed phase leaves no process behind)
    const gone = new Promise((r) => agent.proc.once('exit', r));
    agent.proc.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 20_000))]);
    await agent.kill9();
    client(agent.address).close();
    fs.rmSync(home, { recursive: true, force: true });
  }
  console.log('phase'.padEnd(26), 'took ms'.padStart(8), 'hb'.padStart(4), 'p99 ms'.padStart(8), 'max ms'.padStart(8), 'max hb gap ms'.padStart(14));
  for (const r of rows) {
    console.log(
      r.phase.padEnd(26),
      String(r.ms).padStart(8),
      String(r.heartbeats).padStart(4),
      r.p99Ms.toFixed(1).padStart(8),
      r.maxMs.toFixed(1).padStart(8),
      String(r.maxGapMs).padStart(14),
    );
  }
}

await main();
