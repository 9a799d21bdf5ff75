// The take-over in a local cluster (`baton local up --controllers 3`, docs/reliability.md,
// "Controller fail-over", "In a local stack"): the quick workflow RUNNING; each round kills the
// leader with -9 and measures, from the kill, when a client given every address (as the CLI and the
// console are) gets its first reply from the successor, and when every task is RUNNING again with
// the same pid (and the same run: a change fails the script); then `baton local up` restarts the killed one (timed). Prints a JSON line per round
// and the medians and maxima. Run: node dist/test/bench/local-failover.js [rounds, default 8].
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localStatus } from '../../core/local/status.js';
import { localUp } from '../../core/local/up.js';
import { localDown } from '../../core/local/down.js';
import { readState } from '../../core/local/state.js';
import { connectControl } from '../../core/rpc/control-client.js';
import { CreateEnvironmentRequest } from '../../core/rpc/gen/control.js';
import { percentile } from './stats.js';
import { runTransition } from '../../core/cli/progress.js';

const rounds = Number(process.argv[2] ?? 8);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-lfo-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rows: { reply: number; adopted: number; repair: number }[] = [];
try {
  await localUp({ home, agents: 2, controllers: 3, metrics: false });
  const state = readState(home)!;
  const control = connectControl(state.controller.address, { token: state.token, client: 'cli' });
  const env = await control.call('createEnvironment', CreateEnvironmentRequest.fromPartial({ workflow: 'quick' }));
  const quiet = { update() {}, line() {}, end() {} };
  for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) await runTransition(control, env.id, t, { view: quiet });
  const running = await control.call('getEnvironment', { id: env.id, withTasks: true, withTree: false });
  const pids = running.tasks.map((t) => t.pid).join(',');
  for (let i = 0; i < rounds; i++) {
    const leaderPid = (await control.call('getInfo', {})).pid;
    const t0 = performance.now();
    process.kill(leaderPid, 'SIGKILL');
    let reply = 0;
    for (;;) {
      const info = await control.call('getInfo', {}).catch(() => null);
      if (info && info.pid !== leaderPid) break;
      await sleep(20);
    }
    reply = performance.now() - t0;
    for (;;) {
      const e = await control.call('getEnvironment', { id: env.id, withTasks: true, withTree: false }).catch(() => null);
      if (e?.tasks.every((t) => t.state === 'RUNNING' && !t.lost) && e.tasks.map((t) => t.pid).join(',') === pids) {
        if (e.runNumber !== running.runNumber) throw new Error(`run ${running.runNumber} became ${e.runNumber} after the take-over`);
        break;
      }
      await sleep(20);
    }
    const adopted = performance.now() - t0;
    const r0 = performance.now();
    const steps: string[] = [];
    await localUp({ home, onProgress: (p) => steps.push(`${Math.round(performance.now() - r0)} ms ${p.message}`) });
    const repair = performance.now() - r0;
    if (repair > 5000) console.log(`slow repair: ${steps.join('; ')}`);
    rows.push({ reply, adopted, repair });
    console.log(
      JSON.stringify({ round: i + 1, replyMs: Math.round(reply), adoptedMs: Math.round(adopted), repairMs: Math.round(repair), load: os.loadavg()[0] }),
    );
    if ((await localStatus({ home })).dead?.length) throw new Error('local up left a dead process');
  }
  control.close();
  const show = (k: keyof (typeof rows)[number]) => {
    const v = rows.map((r) => r[k]).sort((a, b) => a - b);
    return `${(percentile(v, 50) / 1000).toFixed(2)} / ${(Math.max(...v) / 1000).toFixed(2)} s`;
  };
  console.log(`median / max over ${rows.length} kills: first reply ${show('reply')}, tasks adopted ${show('adopted')}, local up repair ${show('repair')}`);
} finally {
  await localDown({ home });
  fs.rmSync(home, { recursive: true, force: true });
}
