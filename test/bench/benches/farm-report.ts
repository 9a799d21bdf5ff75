// The farm curve's figures and its printed form: per size, the times, Baton's ratio to the
// floor, the cost per task and the controller's bytes per task; then the targets (flat cost
// per task from 150k to 1M, 1M tasks RUNNING in 30 s, 4 GiB) and a small text plot.
import { round } from '../proc.js';
import { atMost, failedFigure, figure, type Figure } from '../results.js';
import type { SizeRun } from './farm.js';

const GiB = 2 ** 30;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const count = (n: number) => n.toLocaleString('en');
const short = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1000}k`);

interface Row {
  tasks: number;
  agents: number;
  createMs: number;
  deployToRunningMs: number;
  upMs: number;
  downMs: number;
  destroyMs: number;
  floorUpMs: number;
  floorDownMs: number;
  peakRss: number;
  rssRunning: number;
  heapRunning: number;
  load: string;
}

function rowOf(rs: SizeRun[]): Row {
  const pick = (f: (r: SizeRun) => number) => median(rs.map(f));
  return {
    tasks: rs[0]!.tasks,
    agents: rs[0]!.simAgents,
    createMs: pick((r) => r.createMs),
    deployToRunningMs: pick((r) => r.deployToRunningMs),
    upMs: pick((r) => r.upMs),
    downMs: pick((r) => r.downMs),
    destroyMs: pick((r) => r.destroyMs),
    floorUpMs: pick((r) => r.floor.upMs),
    floorDownMs: pick((r) => r.floor.downMs),
    peakRss: Math.max(...rs.map((r) => r.controllerPeakRss)),
    rssRunning: pick((r) => r.controllerRssRunning),
    heapRunning: pick((r) => r.controllerHeapRunning),
    load: rs[0]!.load,
  };
}

/** microseconds per task */
const perTask = (ms: number, n: number) => round((ms * 1000) / n, 1);

function plot(rows: Row[], label: string, value: (r: Row) => number, unit: string): string[] {
  const max = Math.max(...rows.map(value), 1e-9);
  return [
    `${label}:`,
    ...rows.map((r) => `  ${short(r.tasks).padStart(5)} ${'#'.repeat(Math.max(1, Math.round((value(r) / max) * 40))).padEnd(40)} ${value(r)} ${unit}`),
  ];
}

export function farmReport(
  runs: SizeRun[],
  smoke: boolean,
  failures: { tasks: number; error: string }[] = [],
): { figures: Figure[]; notes: string[]; curve: string[] } {
  const sizes = [...new Set(runs.map((r) => r.tasks))].sort((a, b) => a - b);
  const rows = sizes.map((n) => rowOf(runs.filter((r) => r.tasks === n)));
  const figures: Figure[] = [];
  for (const r of rows) {
    const k = short(r.tasks);
    const n = count(r.tasks);
    const floorUp = {
      value: round(r.floorUpMs / 1000, 2),
      unit: 's',
      what: `records for ${n} tasks + launch and 2 task events to ${r.agents} agents in Baton's batches`,
    };
    const floorDown = { value: round(r.floorDownMs / 1000, 2), unit: 's', what: `3 task events to ${r.agents} agents in Baton's batches` };
    const big = r.tasks === 1_000_000 && !smoke;
    figures.push(
      figure(`${k}.up`, `${n} tasks on ${r.agents} agents: create + DEPLOY..RUNNING`, round(r.upMs / 1000, 2), 's', {
        floor: floorUp,
        target: big ? atMost(30, '<= 30 s') : undefined,
        note: `create ${round(r.createMs / 1000, 2)} s, DEPLOY..RUNNING ${round(r.deployToRunningMs / 1000, 2)} s; ${round(r.upMs / r.floorUpMs, 2)}x the floor`,
      }),
      figure(`${k}.down`, `${n} tasks: STOP_ACTIVITY + RESET + EXIT`, round(r.downMs / 1000, 2), 's', {
        floor: floorDown,
        note: `${round(r.downMs / r.floorDownMs, 2)}x the floor; destroy after EXIT ${round(r.destroyMs / 1000, 2)} s`,
      }),
      figure(`${k}.rss`, `${n} tasks: controller peak RSS (VmHWM)`, round(r.peakRss / GiB, 3), 'GiB', {
        target: big ? atMost(4, '<= 4 GiB') : undefined,
        note: `${Math.round(r.peakRss / r.tasks)} bytes/task; at RUNNING: RSS ${Math.round(r.rssRunning / r.tasks)} bytes/task, V8 heap after a full GC ${Math.round(r.heapRunning / r.tasks)} bytes/task`,
      }),
    );
  }
  for (const f of failures) {
    if (sizes.includes(f.tasks)) continue;
    const big = f.tasks === 1_000_000 && !smoke;
    figures.push(
      failedFigure(`${short(f.tasks)}.up`, `${count(f.tasks)} tasks: create + DEPLOY..RUNNING`, 's', f.error, big ? atMost(30, '<= 30 s') : undefined),
    );
  }
  const at = (n: number) => rows.find((r) => r.tasks === n);
  const [from, to] = [at(150_000), at(1_000_000)];
  if (from && to && !smoke) {
    figures.push(
      figure('flat', 'cost per task (create + DEPLOY..RUNNING), 1M / 150k', round(to.upMs / to.tasks / (from.upMs / from.tasks), 2), 'x', {
        target: atMost(1.3, '<= 1.3x'),
        note: `${perTask(from.upMs, from.tasks)} us/task at 150k, ${perTask(to.upMs, to.tasks)} us/task at 1M`,
      }),
    );
  }
  const curve = [
    'farm curve (per task: microseconds; bytes of the controller):',
    '  tasks      agents  create s  D..R s  up us/task  floor us/task  x floor  down us/task  x floor  destroy s  peak RSS B/task  heap B/task  load',
    ...rows.map(
      (r) =>
        `  ${count(r.tasks).padEnd(10)} ${String(r.agents).padStart(6)}  ${String(round(r.createMs / 1000, 2)).padStart(8)}  ${String(round(r.deployToRunningMs / 1000, 2)).padStart(6)}  ${String(perTask(r.upMs, r.tasks)).padStart(10)}  ${String(perTask(r.floorUpMs, r.tasks)).padStart(13)}  ${String(round(r.upMs / r.floorUpMs, 2)).padStart(7)}  ${String(perTask(r.downMs, r.tasks)).padStart(12)}  ${String(round(r.downMs / r.floorDownMs, 2)).padStart(7)}  ${String(round(r.destroyMs / 1000, 2)).padStart(9)}  ${String(Math.round(r.peakRss / r.tasks)).padStart(15)}  ${String(Math.round(r.heapRunning / r.tasks)).padStart(11)}  ${r.load}`,
    ),
    ...plot(rows, 'up (create + DEPLOY..RUNNING) per task', (r) => perTask(r.upMs, r.tasks), 'us'),
    ...plot(rows, 'its floor per task', (r) => perTask(r.floorUpMs, r.tasks), 'us'),
    ...plot(rows, 'down per task', (r) => perTask(r.downMs, r.tasks), 'us'),
  ];
  const notes = [
    ...runs
      .filter((r) => !r.finalOk)
      .map((r) => `${count(r.tasks)} tasks: final state not as expected: ${r.finalNote}${r.leftovers.length ? `; ${r.leftovers.join('; ')}` : ''}`),
    `one sim agent per 500 tasks (20 to 2,000), 100 per OS process; each size on a fresh stack${runs.length > sizes.length ? ', figures are medians' : ', once'}`,
    ...rows.map((r) => {
      const run = runs.find((x) => x.tasks === r.tasks)!;
      return `${count(r.tasks)} tasks, per step (ms): create ${run.createMs}, ${Object.entries(run.stepsMs)
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}, destroy ${run.destroyMs}; controller ${run.controllerCpu.up.cpuSeconds} cpu-s up, ${run.controllerCpu.down.cpuSeconds} down; sim agents ${run.simAgentsCpu.up.cpuSeconds} cpu-s up; floor: records ${round(run.floor.bookkeepingMs)} ms, launch round ${round(run.floor.launchMs)} ms, task-event round ${round(run.floor.transitionMs)} ms (bytes per task: ${JSON.stringify(run.floor.bytesPerTask)})`;
    }),
    'up = client-side wall time from CreateEnvironment to the final ControlProgress of START_ACTIVITY; destroy is DestroyEnvironment after EXIT',
  ];
  return { figures, notes, curve };
}
