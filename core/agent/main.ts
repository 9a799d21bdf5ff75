// Entry points of the node agent (docs/architecture.md): startAgent for one agent, startSimAgents
// for many simulated agents in one process.
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';
import { assertSafeListen, parseAddress } from '../rpc/address.js';
import { Agent } from './agent.js';
import { resolveOptions, type AgentHandle, type AgentOptions } from './options.js';
import { serve } from './server.js';
import { privateDir } from '../model/private-files.js';
import { AgentMetrics, checkAgentMetricsOptions, type AgentMetricsOptions } from './metrics.js';

export type { AgentHandle, AgentOptions, TlsFiles } from './options.js';

export async function startAgent(opts: AgentOptions): Promise<AgentHandle> {
  const metricsOptions = opts.metricsListen ? checkAgentMetricsOptions({ listen: opts.metricsListen, taskLabelLimit: opts.taskLabelLimit }) : null;
  const { agent, handle } = await startOne(opts);
  if (!metricsOptions) return handle;
  return withMetrics([agent], [handle], metricsOptions).then((h) => h[0]!);
}

/** One agent, without a metrics endpoint. */
async function startOne(opts: AgentOptions): Promise<{ agent: Agent; handle: AgentHandle }> {
  const options = resolveOptions(opts);
  assertSafeListen(options.listen, !!options.tls, `agent ${options.name}`);
  // the home holds task logs, state and sockets: the agent user's only, whatever the umask
  privateDir(options.home, 'agent home');
  const agent = new Agent(options);
  await agent.start();
  let served;
  try {
    served = await serve(agent, options);
  } catch (e) {
    await agent.stop(false);
    throw e;
  }
  let stopping: Promise<void> | null = null;
  const handle: AgentHandle = {
    name: options.name,
    address: served.address,
    stop(so?: { killTasks?: boolean }) {
      stopping ??= (async () => {
        await agent.stop(so?.killTasks ?? true);
        served.stop();
      })();
      return stopping;
    },
  };
  return { agent, handle };
}

/** One metrics endpoint for these agents; it stops with the last of them. */
async function withMetrics(agents: Agent[], handles: AgentHandle[], options: Required<AgentMetricsOptions>): Promise<AgentHandle[]> {
  const metrics = new AgentMetrics(agents, options);
  let metricsUrl: string;
  try {
    metricsUrl = await metrics.serve();
  } catch (e) {
    await metrics.stop();
    await Promise.all(handles.map((h) => h.stop({ killTasks: false })));
    throw e;
  }
  let running = handles.length;
  return handles.map((h) => ({
    ...h,
    metricsUrl,
    async stop(so?: { killTasks?: boolean }) {
      await h.stop(so);
      if (--running === 0) await metrics.stop();
    },
  }));
}

export interface SimAgentsOptions extends Omit<AgentOptions, 'name' | 'listen' | 'sim'> {
  /** agents are named `${prefix}-${i}` for i = 1..count; default 'sim' */
  prefix?: string;
  /**
   * Where they listen. A directory (`unix:///dir` or `/dir`): agent <name> listens on
   * unix:///dir/<name>.sock. Or `host:port` on loopback: port 0 gives each agent an ephemeral
   * port, port N gives agent i the port N + i - 1.
   */
  listen: string;
}

/** `count` simulated agents in this process, each its own gRPC server; all tasks run on the sim driver. */
export async function startSimAgents(count: number, opts: SimAgentsOptions): Promise<AgentHandle[]> {
  if (!Number.isInteger(count) || count < 0) throw new BatonError('BAD_INPUT', `sim agent count ${count} is not a whole number`, { where: 'count' });
  const metricsOptions = opts.metricsListen ? checkAgentMetricsOptions({ listen: opts.metricsListen, taskLabelLimit: opts.taskLabelLimit }) : null;
  const prefix = opts.prefix ?? 'sim';
  const isTcp = /^(\[[^\]]+\]|[^:/]+):\d+$/.test(opts.listen);
  const dir = isTcp ? '' : opts.listen.replace(/^unix:(\/\/)?/, '');
  if (!isTcp && !path.isAbsolute(dir)) {
    throw new BatonError('BAD_INPUT', `sim agents listen ${opts.listen}: a directory (unix:///dir or /dir) or host:port`, { where: 'listen' });
  }
  const tcp = isTcp ? parseAddress(opts.listen, 'listen') : null;
  const listenFor = (i: number, name: string) => (tcp ? `${tcp.host}:${tcp.port === 0 ? 0 : tcp.port! + i - 1}` : `unix://${path.join(dir, `${name}.sock`)}`);
  const started: { agent: Agent; handle: AgentHandle }[] = [];
  const handles = () => started.map((s) => s.handle);
  try {
    // a few at a time: 350 servers binding at once is a needless spike
    for (let i = 1; i <= count; i += 25) {
      const batch: Promise<{ agent: Agent; handle: AgentHandle }>[] = [];
      for (let j = i; j < Math.min(count + 1, i + 25); j++) {
        const name = `${prefix}-${j}`;
        const { prefix: _p, metricsListen: _m, ...rest } = opts;
        void _p;
        void _m;
        batch.push(startOne({ ...rest, name, listen: listenFor(j, name), sim: true }));
      }
      started.push(...(await Promise.all(batch)));
    }
  } catch (e) {
    await Promise.all(handles().map((h) => h.stop()));
    throw e;
  }
  if (!metricsOptions) return handles();
  return withMetrics(
    started.map((s) => s.agent),
    handles(),
    metricsOptions,
  );
}
