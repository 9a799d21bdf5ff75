// An agent process's Prometheus metrics (docs/observability.md), served on --metrics-listen. One
// endpoint per process: a process of simulated agents serves all of its agents, each series
// labelled with its node. Figures come from each agent's last heartbeat (node and task cpu and
// memory, channel counters), so a scrape reads no /proc of its own; the event-loop delay is
// measured over the time between two scrapes by a monitor of its own (loop-lag.ts).
import { Gauge, Registry } from 'prom-client';
import { BatonError } from '../model/errors.js';
import { TASK_STATES } from '../model/states.js';
import { parseMetricsListen, processMetrics, serveMetrics, type MetricsEndpoint } from '../rpc/metrics-endpoint.js';
import type { Agent } from './agent.js';
import { LoopLagMonitor } from './loop-lag.js';
import { nodeMetrics } from './process/metrics.js';

export const DEFAULT_AGENT_TASK_LABEL_LIMIT = 200;

/** The collection of a task name: its numbers as `*` (readout-12 -> readout-*), as on the controller. */
const collectionOf = (name: string) => name.replace(/\d+/g, '*');

export interface AgentMetricsOptions {
  /** host:port (port 0: any free port) */
  listen: string;
  /** at most this many tasks (over all agents of the process) get a task label; past it, per collection */
  taskLabelLimit?: number;
}

/** Checks the options before any agent starts. */
export function checkAgentMetricsOptions(o: AgentMetricsOptions): Required<AgentMetricsOptions> {
  parseMetricsListen(o.listen, 'metrics listen');
  const limit = o.taskLabelLimit ?? DEFAULT_AGENT_TASK_LABEL_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new BatonError('BAD_INPUT', `task label limit ${limit}: a whole number of tasks, 0 or more`, { where: 'taskLabelLimit' });
  }
  return { listen: o.listen, taskLabelLimit: limit };
}

/** Adds to `totals` under `key` (several tasks of one collection on one series). */
function add(totals: Map<string, { labels: Record<string, string>; value: number }>, labels: Record<string, string>, value: number): void {
  const key = JSON.stringify(labels);
  const row = totals.get(key);
  if (row) row.value += value;
  else totals.set(key, { labels, value });
}

function registerGauges(agents: readonly Agent[], registry: Registry, taskLabelLimit: number): void {
  const registers = [registry];
  const perAgent = (name: string, help: string, value: (a: Agent) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['node'],
      registers,
      collect() {
        for (const a of agents) this.set({ node: a.options.name }, value(a));
      },
    });
  perAgent('baton_agent_connected', "A controller's session is attached (1) or not (0)", (a) => (a.connected ? 1 : 0));
  perAgent('baton_agent_heartbeat_age_seconds', 'Time since this agent sent its last heartbeat (every second while a controller is attached)', (a) =>
    a.lastHeartbeat ? (Date.now() - a.lastHeartbeat.timeMs) / 1000 : 0,
  );
  perAgent('baton_agent_node_cpu_percent', 'Node cpu use, percent of all cores', (a) => (a.options.sim ? 0 : nodeMetrics().cpu));
  perAgent('baton_agent_node_memory_used_bytes', 'Node memory in use', (a) => (a.options.sim ? 0 : nodeMetrics().memUsed));
  perAgent('baton_agent_node_memory_total_bytes', 'Node memory', (a) => (a.options.sim ? 0 : nodeMetrics().memTotal));
  perAgent('baton_agent_node_load1', 'Node load average over one minute', (a) => (a.options.sim ? 0 : nodeMetrics().load1));
  new Gauge({
    name: 'baton_agent_tasks',
    help: 'Tasks this agent runs, by state',
    labelNames: ['node', 'state'],
    registers,
    collect() {
      this.reset();
      for (const a of agents) {
        const counts = new Map<string, number>(TASK_STATES.map((s) => [s, 0]));
        for (const d of [a.process, a.sim]) for (const t of d?.taskInfos() ?? []) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ node: a.options.name, state }, n);
      }
    },
  });
  // per task: cpu, memory and channel rates from the last heartbeat, bounded by the label limit
  const taskLabels = ['node', 'task'];
  const cpu = new Gauge({
    name: 'baton_agent_task_cpu_percent',
    help: 'Task cpu, percent of one core',
    labelNames: taskLabels,
    registers,
    collect: () => fill(),
  });
  const memory = new Gauge({ name: 'baton_agent_task_memory_bytes', help: 'Task resident memory', labelNames: taskLabels, registers, collect: () => fill() });
  const channelLabels = ['node', 'task', 'channel'];
  const messages = new Gauge({
    name: 'baton_agent_channel_messages_per_second',
    help: 'Messages per second a task counts on a channel',
    labelNames: channelLabels,
    registers,
    collect: () => fill(),
  });
  const bytes = new Gauge({
    name: 'baton_agent_channel_bytes_per_second',
    help: 'Bytes per second a task counts on a channel',
    labelNames: channelLabels,
    registers,
    collect: () => fill(),
  });
  let filledAt = -1;
  function fill(): void {
    const now = Date.now();
    if (now - filledAt < 100) return;
    filledAt = now;
    const names = new Map<string, string>();
    for (const a of agents) for (const d of [a.process, a.sim]) for (const t of d?.taskInfos() ?? []) names.set(t.taskId, t.name);
    const label = names.size <= taskLabelLimit ? (n: string) => n : collectionOf;
    const sums = [new Map(), new Map(), new Map(), new Map()] as Map<string, { labels: Record<string, string>; value: number }>[];
    for (const a of agents) {
      for (const m of a.lastHeartbeat?.tasks ?? []) {
        const name = names.get(m.taskId);
        if (name === undefined) continue;
        const labels = { node: a.options.name, task: label(name) };
        add(sums[0]!, labels, m.cpu);
        add(sums[1]!, labels, m.rssBytes);
        for (const c of m.channels) {
          add(sums[2]!, { ...labels, channel: c.channel }, c.msgRate);
          add(sums[3]!, { ...labels, channel: c.channel }, c.byteRate);
        }
      }
    }
    [cpu, memory, messages, bytes].forEach((gauge, i) => {
      gauge.reset();
      for (const { labels, value } of sums[i]!.values()) gauge.set(labels, value);
    });
  }
}

/** The metrics endpoint of one agent process. */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly loopLag = new LoopLagMonitor();
  private endpoint: MetricsEndpoint | null = null;

  constructor(
    agents: readonly Agent[],
    private readonly options: Required<AgentMetricsOptions>,
  ) {
    processMetrics(this.registry, 'baton_agent_');
    registerGauges(agents, this.registry, options.taskLabelLimit);
    // the delay since the previous scrape: what starved the loop between two scrapes shows
    let lag = { p99Ms: 0, maxMs: 0 };
    let readAt = -1;
    const read = () => {
      if (Date.now() - readAt > 100) {
        readAt = Date.now();
        lag = this.loopLag.read();
      }
      return lag;
    };
    new Gauge({
      name: 'baton_agent_event_loop_lag_p99_seconds',
      help: "The agent process's event-loop delay since the previous scrape, 99th percentile",
      registers: [this.registry],
      collect() {
        this.set(read().p99Ms / 1000);
      },
    });
    new Gauge({
      name: 'baton_agent_event_loop_lag_max_seconds',
      help: "The agent process's event-loop delay since the previous scrape, longest",
      registers: [this.registry],
      collect() {
        this.set(read().maxMs / 1000);
      },
    });
  }

  async serve(): Promise<string> {
    this.loopLag.start();
    this.endpoint = await serveMetrics(this.options.listen, this.registry, 'metrics listen');
    return this.endpoint.url;
  }

  async stop(): Promise<void> {
    this.loopLag.stop();
    await this.endpoint?.stop();
  }
}
