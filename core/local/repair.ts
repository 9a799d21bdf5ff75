// `baton local up` on a stack that is already there: restart only what died (the controller,
// agents, simulated-agent processes), with the same home, token, sockets and arguments, and
// keep everything else. The restarted controller restores its environments from its SQLite
// file and dials the agents; a restarted agent re-adopts its tasks (they outlive it). A stack
// whose every process answers is left alone ("already up").
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError, toBatonError } from '../model/errors.js';
import { connectControl } from '../rpc/control-client.js';
import { agentSocket, localDir, logPath } from './paths.js';
import { isAlive } from './procs.js';
import { abortedError, waitAgentsReady, waitController, waitNodesUp, type AgentProc, type UpProgress } from './readiness.js';
import { spawnBaton, type Spawned } from './spawn.js';
import { writeState, type LocalState } from './state.js';
import { deadClusterProcesses } from './cluster.js';
import { repairCluster } from './cluster-repair.js';

export interface RestartedProcess {
  /** controller, agent-2, sim-1 ... */
  what: string;
  oldPid: number;
  pid: number;
}

export interface RepairResult {
  state: LocalState;
  /** what was restarted; empty: the stack was already up */
  restarted: RestartedProcess[];
}

export interface DeadProcess {
  what: string;
  pid: number;
}

/** The processes of a recorded stack that are not alive. */
export function deadProcesses(state: LocalState): DeadProcess[] {
  return [
    // a cluster's controllers and etcd (cluster.ts), else the one controller
    ...(state.cluster ? deadClusterProcesses(state.cluster) : isAlive(state.controller.pid) ? [] : [{ what: 'controller', pid: state.controller.pid }]),
    ...state.agents.filter((a) => !isAlive(a.pid)).map((a) => ({ what: a.name, pid: a.pid })),
    ...state.simAgents.map((s, i) => ({ what: simName(s, i), pid: s.pid })).filter((s) => !isAlive(s.pid)),
  ];
}

function simName(s: LocalState['simAgents'][number], i: number): string {
  return s.name ?? `sim-${i + 1}`;
}

async function answers(state: LocalState): Promise<boolean> {
  const c = connectControl(state.controller.address, { token: state.token });
  try {
    await c.call('getInfo', {}, 2000);
    return true;
  } catch {
    return false;
  } finally {
    c.close();
  }
}

/** The arguments of an agent process as local up gave them (older state files did not keep them). */
function agentArgv(state: LocalState, a: LocalState['agents'][number]): string[] {
  if (a.argv?.length) return a.argv;
  const labels = Object.entries(a.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    'agent',
    '--home',
    state.home,
    '--name',
    a.name,
    '--listen',
    a.address || agentSocket(state.home, a.name),
    '--labels',
    labels,
    '--ready-file',
    path.join(localDir(state.home), `${a.name}.ready`),
  ];
}

function readyFileOf(argv: string[]): string {
  const i = argv.indexOf('--ready-file');
  return argv[i + 1]!;
}

export interface RepairOptions {
  timeoutMs: number;
  onProgress: (p: UpProgress) => void;
  signal?: AbortSignal;
}

/**
 * Restarts what died of the recorded stack; throws (naming the process and its log) if a
 * restart fails. The state file is rewritten with the new pids.
 */
export async function repairStack(state: LocalState, opts: RepairOptions): Promise<RepairResult> {
  const deadline = Date.now() + opts.timeoutMs;
  const env = { BATON_HOME: state.home, BATON_TOKEN: state.token };
  const controllerAlive = state.cluster ? true : isAlive(state.controller.pid);
  if (!state.cluster && controllerAlive && !(await answers(state))) {
    // alive but silent: starting, or hung; a second controller on its socket would make it worse
    throw new BatonError(
      'UNAVAILABLE',
      `the controller of ${state.home} (pid ${state.controller.pid}) is alive but does not answer; see ${state.controller.log}, or stop everything with \`baton local down\``,
      { where: state.controller.log },
    );
  }
  const restarted: RestartedProcess[] = [];

  // 1. agents (before the controller, which dials them when it starts)
  const procs: AgentProc[] = [];
  for (const a of state.agents) {
    if (isAlive(a.pid)) continue;
    const argv = agentArgv(state, a);
    const readyFile = readyFileOf(argv);
    fs.rmSync(readyFile, { force: true });
    const spawned = spawnBaton(argv, a.log || logPath(state.home, a.name), env);
    procs.push({ spawned, name: a.name, readyFile, nodes: null, labels: a.labels, count: 1, sim: false });
    restarted.push({ what: a.name, oldPid: a.pid, pid: spawned.pid });
    a.pid = spawned.pid;
    a.argv = argv;
  }
  state.simAgents.forEach((s, i) => {
    if (isAlive(s.pid) || !s.argv?.length) return;
    const readyFile = readyFileOf(s.argv);
    fs.rmSync(readyFile, { force: true });
    const spawned = spawnBaton(s.argv, s.log, env);
    procs.push({ spawned, name: simName(s, i), readyFile, nodes: null, labels: {}, count: s.count, sim: true });
    restarted.push({ what: simName(s, i), oldPid: s.pid, pid: spawned.pid });
    s.pid = spawned.pid;
  });
  const lostSims = state.simAgents.map((s, i) => ({ s, i })).filter(({ s }) => !isAlive(s.pid) && !s.argv?.length);
  if (lostSims.length) {
    throw new BatonError(
      'UNAVAILABLE',
      `simulated-agent process ${lostSims.map(({ s, i }) => `${simName(s, i)} (pid ${s.pid})`).join(', ')} died and this state file does not say how it was started: \`baton local down\`, then \`baton local up\``,
    );
  }
  if (procs.length) {
    const total = procs.reduce((n, p) => n + p.count, 0);
    opts.onProgress({ step: 'agents', message: `restarting ${procs.map((p) => p.name).join(', ')}`, done: 0, total });
    await waitAgentsReady(procs, deadline, opts.onProgress, total, opts.signal);
  }
  writeState(state.home, state);

  // 2. the controller, with its recorded arguments (same socket, agents, repos); a cluster's etcd
  // and dead controllers (cluster-repair.ts)
  let ctl: Spawned = { pid: state.controller.pid, log: state.controller.log, exited: null } as Spawned;
  if (state.cluster) {
    const repaired = await repairCluster(state, env, deadline, (message) => opts.onProgress({ step: 'controller', message }));
    restarted.push(...repaired.restarted);
    ctl = repaired.controllers;
  } else if (!controllerAlive) {
    ctl = spawnBaton(state.controller.argv, state.controller.log, env);
    restarted.push({ what: 'controller', oldPid: state.controller.pid, pid: ctl.pid });
    state.controller.pid = ctl.pid;
    writeState(state.home, state);
    opts.onProgress({ step: 'controller', message: `restarting the controller on ${state.controller.address}` });
  }
  const control = connectControl(state.controller.address, { token: state.token });
  try {
    await waitController(control, ctl, deadline, opts.signal);
    // 3. every agent up in the controller's view again
    if (restarted.length) {
      const names = new Set([...state.agents.map((a) => a.name), ...state.simAgents.flatMap((s) => s.nodes.map((n) => n.name))]);
      await waitNodesUp(control, ctl, names, deadline, opts.onProgress, opts.signal);
    }
  } catch (e) {
    throw opts.signal?.aborted ? abortedError() : toBatonError(e);
  } finally {
    control.close();
  }
  return { state, restarted };
}
