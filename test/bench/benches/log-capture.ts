// Log capture: 20 chatty basic tasks (test/fixtures/bench-repo/programs/chatty.mjs) print
// numbered lines at a fixed high rate, or a fixed amount as fast as they can; the lines that
// reached their log files per second, the lines lost (seq gaps), and the agent's own cpu.
import fs from 'node:fs';
import type { BenchContext } from '../bench.js';
import { CpuMeter, currentRss, round } from '../proc.js';
import { Stack, teardownNotes } from '../stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** seq numbers of one task's lines in its log file (and its rotated .1) */
function readSeqs(file: string): number[] {
  const out: number[] = [];
  for (const f of [`${file}.1`, file]) {
    let text: string;
    try {
      text = fs.readFileSync(f, 'latin1');
    } catch {
      continue;
    }
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
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return -1;
  }
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
  return { finalState: done.state, leftovers: teardownNotes(d) };
}

/** 20 tasks at a fixed rate; lines that reached the files over a window, and the agent's cpu */
export async function logFixedRate(ctx: BenchContext, rate: number, seconds: number) {
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
    return {
      ok,
      tasks,
      rate,
      seconds: round(wall, 2),
      produced,
      captured,
      lost: produced - captured,
      linesPerS: round(captured / wall),
      agentCpu: cpu,
      agentRssMiB,
      tasksCpuCores: tcpu.cores,
      ...end,
    };
  } finally {
    await ch.stack.down();
  }
}

/**
 * 20 tasks each print `total` lines as fast as they can, all starting at the same instant; the
 * time until every line is in the files (total stays under the 16 MiB rotation cap).
 */
export async function logBurst(ctx: BenchContext, total: number) {
  const tasks = ctx.smoke ? 4 : 20;
  // the stack and the deploy must fit before the start: a smoke run shares a loaded machine
  const startAt = Date.now() + (ctx.smoke ? 20_000 : 5000) + tasks * 100;
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
      for (let i = 0; i < seqs.length; i++)
        if (seqs[i] !== i) {
          gaps++;
          break;
        }
    }
    const produced = tasks * total;
    const end = await stopChatty(ch);
    const ok = captured === produced && gaps === 0 && end.finalState === 'DONE' && !end.leftovers.length;
    return {
      ok,
      tasks,
      total,
      seconds: round(wall, 2),
      produced,
      captured,
      lost: produced - captured,
      gaps,
      linesPerS: round(captured / wall),
      mbPerS: round((captured * 70) / wall / 1e6, 1),
      agentCpu: cpu,
      tasksCpuCores: tcpu.cores,
      ...end,
    };
  } finally {
    await ch.stack.down();
  }
}
