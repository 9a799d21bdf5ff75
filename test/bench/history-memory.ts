// The load history's memory (docs/performance.md, "Load history"): what one series costs once its
// rings are full (a day of samples), measured on the heap, and how many series a controller with
// 10,000 tasks keeps, counted through QueryHistory on a real controller with sim agents.
// node --expose-gc dist/test/bench/history-memory.js [tasks]
// (--expose-gc: the heap is measured after a full collection, before and after filling.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimAgents } from '../../core/agent/main.js';
import { startController } from '../../core/controller/main.js';
import { COARSE_FACTOR, COARSE_SLOTS, HistoryStore } from '../../core/controller/history/store.js';
import type { QueryHistoryReply, QueryHistoryRequest } from '../../core/rpc/gen/control.js';
import { call, controlClient, createEnv, listTasks, mustControl, TOKEN } from '../integration/controller/harness.js';

const TASKS = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function heap(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** bytes per series: `count` series of node-like labels, each fed a whole day at 5 s */
function bytesPerSeries(count: number): { perSeries: number; total: number } {
  const before = heap();
  const store = new HistoryStore(5000, count);
  const day = 5000 * COARSE_FACTOR * COARSE_SLOTS;
  const t0 = Date.now() - day;
  for (let t = t0; t < t0 + day; t += 5000 * 4) {
    for (let i = 0; i < count; i++) store.record(t, 'task_cpu', { env: 'env-0123456789ab', task: `readout-${i}` }, i);
  }
  const total = heap() - before;
  if (store.size !== count) throw new Error(`expected ${count} series, have ${store.size}`);
  return { perSeries: Math.round(total / count), total };
}

async function seriesAtScale(): Promise<{ nodes: number; task: number; note: string }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-history-bench-'));
  fs.mkdirSync(path.join(home, 'sim'));
  const agents = await startSimAgents(20, { home, listen: `unix://${home}/sim`, token: TOKEN, labels: { sim: 'true' }, portRange: [40000, 49999] });
  const ctl = await startController({
    home,
    listen: `unix://${home}/controller.sock`,
    token: TOKEN,
    agents: agents.map((a) => a.address),
    historySampleMs: 200,
  });
  const client = controlClient(ctl.address);
  try {
    const env = await createEnv(client, 'sim-farm', { tasks: String(TASKS) });
    await mustControl(client, env.id, 'DEPLOY', 300_000);
    const task = (await listTasks(client, env.id))[0]!;
    await new Promise((r) => setTimeout(r, 1500));
    const q = (req: Partial<QueryHistoryRequest>) =>
      call<QueryHistoryRequest, QueryHistoryReply>(client, 'queryHistory', {
        kind: '',
        envId: '',
        taskId: '',
        node: '',
        sinceMs: 0,
        untilMs: 0,
        stepMs: 0,
        ...req,
      });
    const nodes = await q({ kind: 'nodes' });
    const t = await q({ kind: 'task', taskId: task.id });
    return { nodes: nodes.series.length, task: t.series.length, note: t.note };
  } finally {
    client.close();
    await ctl.stop();
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const scale = await seriesAtScale();
const small = bytesPerSeries(200);
const cap = bytesPerSeries(2000);
const result = {
  tasks: TASKS,
  nodeSeries: scale.nodes,
  taskSeries: scale.task,
  taskNote: scale.note,
  bytesPerSeries200: small.perSeries,
  bytesPerSeries2000: cap.perSeries,
  bytesAtCap: cap.total,
};
console.log(JSON.stringify(result, null, 2));
