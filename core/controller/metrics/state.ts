// Gauges read from the controller's memory at each scrape (no bookkeeping on any hot path):
// environments and tasks by state, nodes (up, cpu, memory, heartbeat age, event-loop lag), each
// task's cpu and memory and each channel edge's rates, from the agents' last heartbeats.
// Per-task and per-edge series are bounded (labels.ts): past the task label limit an
// environment's tasks are summed per collection.
import { Gauge, type Registry } from 'prom-client';
import { ENV_STATES, TASK_STATES } from '../../model/states.js';
import { channelGraph } from '../channels.js';
import type { ControllerCore } from '../core.js';
import type { EnvRuntime } from '../model/env.js';
import { collectionOf, perTaskEnvs, taskLabelLimit } from './labels.js';
import { taskUsage } from './collections.js';

type Labels = Record<string, string>;

/** Sums values per series (several tasks of one collection fall on one series): `key` names the
 *  series, `labels` makes its label set the first time only. */
class Sums {
  private readonly rows = new Map<string, { labels: Labels; value: number }>();
  add(key: string, labels: () => Labels, value: number): void {
    const row = this.rows.get(key);
    if (row) row.value += value;
    else this.rows.set(key, { labels: labels(), value });
  }
  setOn(gauge: Gauge): void {
    gauge.reset();
    for (const { labels, value } of this.rows.values()) gauge.set(labels, value);
  }
}

const liveEnvs = (controller: ControllerCore): EnvRuntime[] => [...controller.envs.values()].filter((e) => !e.destroyed);

export function registerStateGauges(controller: ControllerCore, registry: Registry): void {
  const registers = [registry];
  new Gauge({
    name: 'baton_environments',
    help: 'Environments by state',
    labelNames: ['state'],
    registers,
    collect() {
      const counts = new Map<string, number>(ENV_STATES.map((s) => [s, 0]));
      for (const env of liveEnvs(controller)) counts.set(env.state, (counts.get(env.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'baton_environment_info',
    help: 'One series per environment: its name, workflow and state (value 1)',
    labelNames: ['env', 'name', 'workflow', 'state'],
    registers,
    collect() {
      this.reset();
      for (const env of liveEnvs(controller)) this.set({ env: env.id, name: env.name, workflow: env.workflow, state: env.state }, 1);
    },
  });
  new Gauge({
    name: 'baton_environment_run_number',
    help: "The environment's open run (0: none)",
    labelNames: ['env'],
    registers,
    collect() {
      this.reset();
      for (const env of liveEnvs(controller)) this.set({ env: env.id }, env.runNumber ?? 0);
    },
  });
  new Gauge({
    name: 'baton_environment_tasks_aggregated',
    help: 'The environment is past the task label limit: its per-task series are per collection (1) or per task (0)',
    labelNames: ['env'],
    registers,
    collect() {
      this.reset();
      const perTask = perTaskEnvs(controller.envs.values(), taskLabelLimit(controller));
      for (const env of liveEnvs(controller)) this.set({ env: env.id }, perTask.has(env) ? 0 : 1);
    },
  });
  new Gauge({
    name: 'baton_tasks',
    help: 'Included tasks by environment and state (lost tasks count as ERROR)',
    labelNames: ['env', 'state'],
    registers,
    collect() {
      this.reset();
      for (const env of liveEnvs(controller)) {
        const counts = new Map<string, number>(TASK_STATES.map((s) => [s, 0]));
        for (const t of env.active) counts.set(t.effectiveState, (counts.get(t.effectiveState) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ env: env.id, state }, n);
      }
    },
  });
  registerNodeGauges(controller, registry);
  registerTaskGauges(controller, registry);
}

function registerNodeGauges(controller: ControllerCore, registry: Registry): void {
  const registers = [registry];
  const perNode = (name: string, help: string, value: (n: ReturnType<ControllerCore['nodes']['all']>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['node'],
      registers,
      collect() {
        this.reset();
        for (const n of controller.nodes.all()) this.set({ node: n.name }, value(n));
      },
    });
  perNode('baton_node_up', 'The agent has a session with this controller (1) or not (0)', (n) => (n.up ? 1 : 0));
  perNode('baton_node_suspect', 'The agent lost its session and is within its loss grace (1)', (n) => (n.suspect ? 1 : 0));
  perNode('baton_node_cpu_percent', "The node's cpu use, percent of all its cores (last heartbeat)", (n) => n.cpu);
  perNode('baton_node_memory_used_bytes', "The node's memory in use (last heartbeat)", (n) => n.memUsed);
  perNode('baton_node_memory_total_bytes', "The node's memory (last heartbeat)", (n) => n.memTotal);
  perNode('baton_node_load1', "The node's one-minute load average (last heartbeat)", (n) => n.load1);
  perNode('baton_node_heartbeat_age_seconds', 'Time since the last heartbeat of the agent (a healthy agent: under 1 s)', (n) =>
    n.lastHeartbeatMs ? (Date.now() - n.lastHeartbeatMs) / 1000 : 0,
  );
  perNode(
    'baton_node_event_loop_lag_p99_seconds',
    "The agent's own event-loop delay over the second before its last heartbeat (p99)",
    (n) => n.loopLagMs / 1000,
  );
  perNode('baton_node_tasks', 'Tasks placed on the node (live environments)', (n) => n.tasks.size);
}

function registerTaskGauges(controller: ControllerCore, registry: Registry): void {
  const registers = [registry];
  const taskLabels = ['env', 'task'];
  const cpu = new Gauge({
    name: 'baton_task_cpu_percent',
    help: 'Task cpu, percent of one core (summed per collection past the task label limit)',
    labelNames: taskLabels,
    registers,
    collect: () => fill(),
  });
  const memory = new Gauge({
    name: 'baton_task_memory_bytes',
    help: 'Task resident memory (summed per collection past the task label limit)',
    labelNames: taskLabels,
    registers,
    collect: () => fill(),
  });
  const edgeLabels = ['env', 'from', 'to'];
  const messages = new Gauge({
    name: 'baton_channel_messages_per_second',
    help: 'Messages per second on a channel edge (bind -> connect)',
    labelNames: edgeLabels,
    registers,
    collect: () => fill(),
  });
  const bytes = new Gauge({
    name: 'baton_channel_bytes_per_second',
    help: 'Bytes per second on a channel edge (bind -> connect)',
    labelNames: edgeLabels,
    registers,
    collect: () => fill(),
  });
  // one pass over the tasks fills all four; prom-client calls collect() per metric, so the first
  // of them to be collected in a scrape computes and the others take what it left
  let filledAt = -1;
  function fill(): void {
    const now = Date.now();
    if (now - filledAt < 100) return;
    filledAt = now;
    const perTask = perTaskEnvs(controller.envs.values(), taskLabelLimit(controller));
    const cpuSums = new Sums();
    const memorySums = new Sums();
    const messageSums = new Sums();
    const byteSums = new Sums();
    for (const env of liveEnvs(controller)) {
      const label = perTask.has(env) ? (role: string) => role : collectionOf;
      // per task, or summed per collection over groups kept per environment (collections.ts)
      for (const row of taskUsage(env, perTask.has(env))) {
        const task = row.label;
        const key = `${env.id}\u0000${task}`;
        const labels = () => ({ env: env.id, task });
        cpuSums.add(key, labels, row.cpu);
        memorySums.add(key, labels, row.rss);
      }
      if (!env.expanded.channels?.length) continue;
      for (const edge of channelGraph(env).edges) {
        const from = `${label(edge.from!.role)}:${edge.from!.channel}`;
        const to = `${label(edge.to!.role)}:${edge.to!.channel}`;
        const key = `${env.id}\u0000${from}\u0000${to}`;
        const labels = () => ({ env: env.id, from, to });
        messageSums.add(key, labels, edge.msgRate);
        byteSums.add(key, labels, edge.byteRate);
      }
    }
    cpuSums.setOn(cpu);
    memorySums.setOn(memory);
    messageSums.setOn(messages);
    byteSums.setOn(bytes);
  }
}
