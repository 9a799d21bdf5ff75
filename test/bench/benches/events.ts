// 4. Event stream (event-stream.ts) and logs.
// Logs: 20 chatty basic tasks print numbered lines at a fixed high rate (then a fixed amount as fast as they
// can); lines that reached their log files per second, lines lost, and the agent's own cpu.
import fs from 'node:fs';
import type { Benchmark, BenchContext, BenchOutput } from '../bench.js';
import { CpuMeter, currentRss, round } from '../proc.js';
import { failedFigure, figure, type Figure } from '../results.js';
import { Stack } from '../stack.js';
import { eventStream } from './event-stream.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** seq numbers of one task's lines in its log file (and its rotated .1) */
function readSeqs(file: string): number[] {
  const out: number[] = [];
  for (const f of [`${file}.1`, file]) {
    let text: string;
    try { text = fs.readFileSync(f, 'latin1'); } catch { continue; }
    let i = 0;
    while (i < text.length) {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      const sp = text.indexOf(' ', i);
      if (sp >= 0 && sp < end) {
        const sp2 = text.indexOf(' ', sp + 1);
        const n = Number(text.slice(sp + 1, sp2 >= 0 && sp2 < end ? sp2 : end));
        if (Number.isInteger(n)) out.push(n);
      }
      i = end + 1;
    }
  }
  return out;
}

/** the seq of the last complete line of a log file (-1: none yet) */
function lastSeq(file: string): number {
  let fd: number;
  try { fd = fs.openSync(file, 'r'); } catch { return -1; }
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, 4096);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    const text = buf.toString('latin1');
    const end = text.lastIndexOf('\n');
    if (end < 0) return -1;
    const line = text.slice(text.lastIndexOf('\n', end - 1) + 1, end);
    const n = Number(line.split(' ')[1]);
    return Number.isInteger(n) ? n : -1;
  } finally {
    fs.closeSync(fd);
  }
}

interface Chatty {
  stack: Stack;
  envId: string;
  files: string[];
  pids: number[];
  agentPid: number;
}

async function startChatty(ctx: BenchContext, tasks: number, vars: Record<string, string>): Promise<Chatty> {
  const stack = await Stack.up({ agents: 1 });
  const c = stack.client;
  const env = await c.create('bench-chatty', { tasks: String(tasks), ...vars });
  await c.transition(env.id, 'DEPLOY');
  const full = await c.getEnv(env.id, true);
  const pids = full.tasks.map((t) => t.pid).filter((p) => p > 0);
  for (const p of pids) stack.taskPids.add(p);
  ctx.log(`${tasks} chatty tasks deployed (${JSON.stringify(vars)})`);
  return { stack, envId: env.id, files: full.tasks.map((t) => t.logPath), pids, agentPid: stack.agentPids[0]! };
}

async function stopChatty(ch: Chatty): Promise<{ finalState: string; leftovers: string[] }> {
  await ch.stack.client.transition(ch.envId, 'EXIT', 60_000);
  const done = await ch.stack.client.getEnv(ch.envId);
  const d = await ch.stack.down();
  return { finalState: done.state, leftovers: d.leftovers };
}

/** 20 tasks at a fixed rate; lines that reached the files over a window, and the agent's cpu */
async function logFixedRate(ctx: BenchContext, rate: number, seconds: number) {
  const tasks = ctx.smoke ? 4 : 20;
  ctx.load('logs fixed rate');
  const ch = await startChatty(ctx, tasks, { rate: String(rate) });
  try {
    await sleep(1000);
    ctx.load('logs fixed rate window');
    const s0 = ch.files.map(lastSeq);
    const agentCpu = new CpuMeter([ch.agentPid]);
    const tasksCpu = new CpuMeter(ch.pids);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const s1 = ch.files.map(lastSeq);
    const wall = (performance.now() - t0) / 1000;
    const cpu = agentCpu.read();
    const tcpu = tasksCpu.read();
    let produced = 0;
    let captured = 0;
    for (let i = 0; i < ch.files.length; i++) {
      produced += s1[i]! - s0[i]!;
      captured += readSeqs(ch.files[i]!).filter((q) => q > s0[i]! && q <= s1[i]!).length;
    }
    const agentRssMiB = round(currentRss(ch.agentPid) / 2 ** 20);
    const end = await stopChatty(ch);
    const ok = produced > 0 && captured === produced && end.finalState === 'DONE' && !end.leftovers.length;
    return { ok, tasks, rate, seconds: round(wall, 2), produced, captured, lost: produced - captured,
      linesPerS: round(captured / wall), agentCpu: cpu, agentRssMiB, tasksCpuCores: tcpu.cores, ...end };
  } finally {
    await ch.stack.down();
  }
}

/**
 * 20 tasks each print `total` lines as fast as they can, all starting at the same instant; the
 * time until every line is in the files (total stays under the 16 MiB rotation cap).
 */
async function logBurst(ctx: BenchContext, total: number) {
  const tasks = ctx.smoke ? 4 : 20;
  const startAt = Date.now() + 5000 + tasks * 100;
  ctx.load('logs burst');
  const ch = await startChatty(ctx, tasks, { rate: '0', total: String(total), start_at: String(startAt) });
  try {
    const wait = startAt - Date.now();
    if (wait < 200) throw new Error(`the chatty tasks took too long to deploy (start_at passed ${-wait} ms ago)`);
    await sleep(wait - 100);
    ctx.load('logs burst window');
    const agentCpu = new CpuMeter([ch.agentPid]);
    const tasksCpu = new CpuMeter(ch.pids);
    const until = Date.now() + 120_000;
    let left = ch.files.map(() => true);
    while (left.some(Boolean) && Date.now() < until) {
      left = ch.files.map((f, i) => left[i]! && lastSeq(f) < total - 1);
      await sleep(5);
    }
    const wall = (Date.now() - startAt) / 1000;
    const cpu = agentCpu.read();
    const tcpu = tasksCpu.read();
    let captured = 0;
    let gaps = 0;
    for (const f of ch.files) {
      const seqs = readSeqs(f);
      captured += seqs.length;
      for (let i = 0; i < seqs.length; i++) if (seqs[i] !== i) { gaps++; break; }
    }
    const produced = tasks * total;
    const end = await stopChatty(ch);
    const ok = captured === produced && gaps === 0 && end.finalState === 'DONE' && !end.leftovers.length;
    return { ok, tasks, total, seconds: round(wall, 2), produced, captured, lost: produced - captured, gaps,
      linesPerS: round(captured / wall), mbPerS: round((captured * 70) / wall / 1e6, 1), agentCpu: cpu, tasksCpuCores: tcpu.cores, ...end };
  } finally {
    await ch.stack.down();
  }
}

export const events: Benchmark = {
  name: 'events',
  title: 'Event stream (Subscribe, no loss) and log capture (20 chatty tasks)',
  async run(ctx): Promise<BenchOutput> {
    const ev = await eventStream(ctx);
    ctx.log(`events: best paced step ${ev.best ? `${ev.best.receivedPerS}/s` : 'none'}; flat out ${ev.flat.received}/${ev.flat.produced}`);
    const fixed = await logFixedRate(ctx, ctx.smoke ? 1000 : 5000, ctx.smoke ? 2 : 10);
    ctx.log(`logs at ${fixed.rate}/s per task: ${fixed.linesPerS} lines/s captured, lost ${fixed.lost}, agent ${fixed.agentCpu.cores} cores`);
    const flat = await logBurst(ctx, ctx.smoke ? 10_000 : 100_000);
    ctx.log(`logs as fast as they can: ${flat.linesPerS} lines/s captured, lost ${flat.lost}, agent ${flat.agentCpu.cores} cores`);
    const best = ev.best;
    const cut = ev.steps.find((x) => x.lost || x.gaps);
    const figures: Figure[] = [
      best
        ? figure('events.rate', `events/s one Subscribe subscriber receives without loss (${ev.tasks.toLocaleString('en')} sim tasks cycling, paced)`, best.receivedPerS, 'events/s',
          { note: `highest paced step passed: ~${best.targetPerS.toLocaleString('en')}/s${cut ? `; at ~${cut.targetPerS.toLocaleString('en')}/s (${cut.producedPerS.toLocaleString('en')} produced/s) it was cut off after ${cut.received.toLocaleString('en')} of ${cut.produced.toLocaleString('en')} events` : '; no step lost events'}` })
        : failedFigure('events.rate', 'events/s one Subscribe subscriber receives without loss', 'events/s', `lost events at the lowest step: ${JSON.stringify(ev.steps[0])}`),
      figure('events.lag.p99', `delivery lag (event time to receipt) at that rate, p99`, best?.lag.p99 ?? NaN, 'ms', { note: best ? `p50 ${best.lag.p50} ms` : undefined }),
      figure('events.flat', 'flat out, with resume after a cut-off: events/s received (every seq exactly once)', ev.flat.receivedPerS, 'events/s',
        { note: `${ev.flat.received.toLocaleString('en')}/${ev.flat.produced.toLocaleString('en')} events, ${ev.flat.producedPerS.toLocaleString('en')}/s produced, ${ev.flat.cutoffs} cut-offs resumed, ${ev.flat.gaps} gaps, ${ev.flat.duplicates} duplicates` }),
      figure('logs.fixed', `log lines/s captured from ${fixed.tasks} tasks at ${fixed.rate.toLocaleString('en')} lines/s each`, fixed.linesPerS, 'lines/s',
        { note: `lost ${fixed.lost}` }),
      figure('logs.fixed.cpu', 'agent cpu while capturing them', fixed.agentCpu.cores, 'cores'),
      figure('logs.max', `log lines/s captured from ${flat.tasks} tasks printing ${flat.total.toLocaleString('en')} lines each as fast as they can`, flat.linesPerS, 'lines/s',
        { note: `lost ${flat.lost}` }),
      figure('logs.max.cpu', 'agent cpu while capturing them', flat.agentCpu.cores, 'cores'),
    ];
    const notes: string[] = [];
    if (!ev.ok) notes.push(`event stream not correct: flat out ${ev.flat.received}/${ev.flat.produced} received, ${ev.flat.gaps} gaps, ${ev.flat.duplicates} duplicates${ev.flat.error ? `, stream error: ${ev.flat.error}` : ''}; final state ${ev.finalState}${ev.leftovers.length ? `, left: ${ev.leftovers.join('; ')}` : ''}`);
    for (const l of [fixed, flat]) {
      if (!l.ok) notes.push(`log capture (${l === fixed ? 'fixed rate' : 'as fast as they can'}): ${l.captured}/${l.produced} lines captured, final state ${l.finalState}${l.leftovers.length ? `, left: ${l.leftovers.join('; ')}` : ''}`);
    }
    notes.push(
      ...ev.steps.map((x) => `events, paced ~${x.targetPerS}/s: produced ${x.producedPerS}/s, received ${x.received}/${x.produced}${x.error ? ` (cut off: ${x.error})` : ''}; lag p50 ${x.lag.p50} / p99 ${x.lag.p99} ms; subscriber process ${x.subscriberCores} cores`),
      `events flat out: ${ev.flat.transitions} transitions of ${ev.tasks} sim tasks in ${ev.flat.seconds} s, ${ev.flat.producedPerS} events/s produced; the subscriber caught up after ${ev.flat.caughtUpSeconds} s; controller ${ev.flat.controllerCores} cores, subscriber process ${ev.flat.subscriberCores} cores`,
      `logs: task stdout/stderr go straight to the log file (the agent opens it and hands the descriptor to the task), so capture costs the agent nothing per line; the tasks themselves used ${fixed.tasksCpuCores} cores (fixed rate) and ${flat.tasksCpuCores} cores (as fast as they can: ${flat.mbPerS} MB/s in ${flat.seconds} s)`,
    );
    return { ok: ev.ok && fixed.ok && flat.ok, figures, details: { events: ev, logsFixedRate: fixed, logsMaxRate: flat }, notes };
  },
};
