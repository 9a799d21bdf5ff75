import { Stack } from '/work/main/dist/test/bench/stack.js';
import { summarizeProfile } from '/work/main/dist/test/bench/profile.js';
import { RunQueueMeter } from '/work/main/dist/test/bench/proc.js';
const n = Number(process.argv[2] ?? 100), agents = Number(process.argv[3] ?? 4);
const s = await Stack.up({ agents, profile: true });
try {
  const env = await s.client.create('bench-demo', { tasks: String(n) });
  const p = await s.profiler('agent-1');
  await p.start();
  const rq = new RunQueueMeter([s.controllerPid, ...s.agentPids]);
  const t0 = performance.now();
  let res = 'ok';
  try { await s.client.transition(env.id, 'DEPLOY', 120000); } catch (e) { res = e.message.slice(0, 150); }
  console.log('DEPLOY', (performance.now() - t0).toFixed(0), 'ms', res);
  console.log(JSON.stringify(rq.read()));
  const sum = summarizeProfile(await p.stop(), 'agent-1 deploy', '/tmp/agent1.cpuprofile', '/work/main');
  console.log('longest busy', sum.longestBusyMs, 'sampled', sum.sampledMs, 'wall', sum.wallMs);
  for (const e of sum.top.slice(0, 8)) console.log(e.selfMs, e.selfPct, e.fn, e.where);
  p.close();
  const full = await s.client.getEnv(env.id, true);
  for (const t of full.tasks) if (t.pid > 0) s.taskPids.add(t.pid);
} finally { console.log(JSON.stringify(await s.down())); }
