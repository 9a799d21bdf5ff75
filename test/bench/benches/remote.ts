// Remote nodes: 1,000 C-SDK tasks (bench-c) on 8 agents reached over TCP with mutual TLS, each
// agent on its own loopback address as a remote node would be, against the same on unix sockets
// (local mode's transport). Same commands, token, workflow and controller; only the transport
// between controller and agents differs. Each stack first serves one environment (warm-up.ts:
// agents are long-running services); then 3 environments are measured, DEPLOY to RUNNING, and
// the median counts. The two transports alternate, so slow drift of the machine's load hits both.
import type { Benchmark, BenchOutput } from '../bench.js';
import { CpuMeter, round } from '../proc.js';
import { atMost, figure } from '../results.js';
import { RemoteStack, type Transport } from '../remote-stack.js';
import { serveUpOnce } from '../warmup.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

interface Measured {
  transport: Transport;
  upMs: number[];
  downMs: number[];
  controllerCpuS: number[];
  agentsCpuS: number[];
  failures: string[];
}

export const remote: Benchmark = {
  name: 'remote',
  title: 'Remote nodes: 1,000 C-SDK tasks on 8 agents over TCP with mutual TLS vs unix sockets',
  async run(ctx): Promise<BenchOutput> {
    const tasks = ctx.smoke ? 40 : (ctx.sizes?.[0] ?? 1000);
    const agents = ctx.smoke ? 2 : 8;
    const rounds = ctx.smoke ? 1 : 3;
    const vars = { tasks: String(tasks) };
    const results: Record<Transport, Measured> = {
      'tcp+tls': { transport: 'tcp+tls', upMs: [], downMs: [], controllerCpuS: [], agentsCpuS: [], failures: [] },
      unix: { transport: 'unix', upMs: [], downMs: [], controllerCpuS: [], agentsCpuS: [], failures: [] },
    };
    const stacks: Partial<Record<Transport, RemoteStack>> = {};
    try {
      for (const t of ['tcp+tls', 'unix'] as Transport[]) {
        ctx.load(`${t}: stack`);
        const s = await RemoteStack.up(t, agents);
        stacks[t] = s;
        const warm = await serveUpOnce(s.client, 'bench-c', vars);
        ctx.log(
          `${t}: ${agents} agents up; warm-up environment ${warm.upMs === null ? `failed: ${warm.failure}` : `${round(warm.upMs)} ms DEPLOY to RUNNING`}`,
        );
        await new Promise((r) => setTimeout(r, 2000)); // its task processes gone
      }
      for (let i = 0; i < rounds; i++) {
        for (const t of ['tcp+tls', 'unix'] as Transport[]) {
          const s = stacks[t]!;
          const m = results[t];
          ctx.load(`${t}: environment ${i + 1}`);
          const env = await s.client.create('bench-c', vars);
          const ctl = new CpuMeter([s.controllerPid]);
          const ag = new CpuMeter(s.agentPids);
          try {
            const t0 = performance.now();
            for (const step of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) await s.client.transition(env.id, step, 600_000);
            m.upMs.push(performance.now() - t0);
            m.controllerCpuS.push(ctl.read().cpuSeconds);
            m.agentsCpuS.push(ag.read().cpuSeconds);
            const t1 = performance.now();
            for (const step of ['STOP_ACTIVITY', 'RESET', 'EXIT']) await s.client.transition(env.id, step, 600_000);
            m.downMs.push(performance.now() - t1);
          } catch (e) {
            m.failures.push((e as Error).message);
          }
          await s.client.unary('destroyEnvironment', { id: env.id, force: true }, 120_000).catch(() => undefined);
          ctx.log(`${t}: environment ${i + 1}: DEPLOY to RUNNING ${round(m.upMs.at(-1) ?? NaN)} ms, down ${round(m.downMs.at(-1) ?? NaN)} ms`);
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    } finally {
      for (const s of Object.values(stacks)) await s?.down();
    }
    const tls = results['tcp+tls'];
    const unix = results.unix;
    const ok = !tls.failures.length && !unix.failures.length && tls.upMs.length === rounds && unix.upMs.length === rounds;
    const up = (m: Measured) => round(median(m.upMs) / 1000, 3);
    const down = (m: Measured) => round(median(m.downMs) / 1000, 3);
    const ratio = ok ? round(median(tls.upMs) / median(unix.upMs), 2) : NaN;
    const n = tasks.toLocaleString('en');
    return {
      ok,
      figures: ok
        ? [
            figure('tls.up', `${n} C-SDK tasks on ${agents} agents over TCP + mutual TLS: DEPLOY to RUNNING`, up(tls), 's', {
              note: `median of ${rounds}: ${tls.upMs.map((x) => round(x / 1000, 2)).join(', ')}`,
            }),
            figure('unix.up', `${n} C-SDK tasks on ${agents} agents over unix sockets: DEPLOY to RUNNING`, up(unix), 's', {
              note: `median of ${rounds}: ${unix.upMs.map((x) => round(x / 1000, 2)).join(', ')}`,
            }),
            figure('ratio.up', 'DEPLOY to RUNNING, TCP + mutual TLS / unix sockets', ratio, 'x', { target: ctx.smoke ? undefined : atMost(1.2, '<= 1.2x') }),
            figure('ratio.down', 'STOP_ACTIVITY + RESET + EXIT, TCP + mutual TLS / unix sockets', round(median(tls.downMs) / median(unix.downMs), 2), 'x', {
              note: `${down(tls)} s vs ${down(unix)} s`,
            }),
          ]
        : [],
      details: { tasks, agents, rounds, results },
      notes: [
        ...[tls, unix].flatMap((m) => m.failures.map((f) => `${m.transport}: ${f}`)),
        `agents on 127.0.0.2 to 127.0.0.${agents + 1} (TCP, one certificate each naming its address and node, signed by one test CA; the controller's names it as a controller) or on unix sockets; the controller serves Control on a unix socket in both`,
        `cpu during DEPLOY to RUNNING (median): TLS controller ${median(tls.controllerCpuS)} cpu-s, agents ${median(tls.agentsCpuS)}; unix controller ${median(unix.controllerCpuS)} cpu-s, agents ${median(unix.agentsCpuS)}`,
      ],
    };
  },
};
