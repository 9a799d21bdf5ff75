// `baton local up`: a controller and N agents (plus optional simulated agents) on this machine,
// each a detached process of its own, talking over unix sockets with a random per-launch token.
// Returns once the controller answers and every agent is up in ListNodes; on any failure it
// stops what it started and says why.
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatonError, toBatonError } from '../model/errors.js';
import { connectControl, type ControlConnection } from '../rpc/control-client.js';
import { agentSocket, controllerSocket, localDir, logPath, trainingRepo } from './paths.js';
import { findLeftovers, killGroup, stopGroups } from './procs.js';
import { abortedError, waitAgentsReady, waitController, waitNodesUp, type AgentProc, type UpProgress } from './readiness.js';
import { spawnBaton, type Spawned } from './spawn.js';
import { clearRuntimeFiles, readState, removeState, writeState, type LocalState } from './state.js';
import { repairStack, type RestartedProcess } from './repair.js';
import { ensureLocalUser, type LocalUser } from './user.js';
import { privateDir } from '../model/private-files.js';
import { metricsFlags, writeScrapeConfig, type LocalEndpoint } from './metrics.js';
import { agentPortBlocks } from './port-blocks.js';
import { anyController, checkControllerCount, clusterController, clusterControllerSocket, startCluster } from './cluster.js';
import { etcdDataDir, findEtcdBinary } from './etcd.js';
import * as fs from 'node:fs';

export type { UpProgress } from './readiness.js';

export interface LocalUpOptions {
  home: string;
  /** real agents (default 2): the first half zone=upstream, the rest zone=downstream */
  agents?: number;
  /** simulated agents, run 100 to a process */
  simAgents?: number;
  /** with simAgents: create (not deploy) a `sim-farm` environment with this many tasks */
  simTasks?: number;
  /** extra template repos for the controller (the shipped assets are always there) */
  repos?: string[];
  /** a training stack (controller --training) with the training repo (training/repo) trusted */
  training?: boolean;
  /** how long to wait for everything to come up (default 60 s, more for big sim farms) */
  timeoutMs?: number;
  onProgress?: (p: UpProgress) => void;
  signal?: AbortSignal;
  /** every process serves Prometheus metrics on a loopback port (default true) */
  metrics?: boolean;
  /** 1 (default): one controller on SQLite; 2-3: a fail-over cluster on a local etcd (cluster.ts) */
  controllers?: number;
}

export interface LocalUpResult {
  state: LocalState;
  envId?: string;
  durationMs: number;
  /** the stack was there: what `local up` restarted of it (empty: it was already up) */
  restarted?: RestartedProcess[];
  /** the OS user as a user of the local controller (admin), whose token the CLI sends */
  user: LocalUser;
}

export const SIM_AGENTS_PER_PROCESS = 100;

function checkCount(v: number | undefined, what: string, min: number): number {
  const n = v ?? 0;
  if (!Number.isInteger(n) || n < min) {
    throw new BatonError('BAD_INPUT', `${what} must be a whole number >= ${min}, got ${v}`, { where: what });
  }
  return n;
}

/** Clears what a stack that died entirely, and left no state file, left behind. */
async function sweepDeadStack(home: string): Promise<void> {
  const left = findLeftovers(home, []);
  if (left.length)
    await stopGroups(
      left.map((l) => l.proc.pid),
      2000,
    );
  clearRuntimeFiles(home);
}

export async function localUp(opts: LocalUpOptions): Promise<LocalUpResult> {
  const t0 = Date.now();
  const home = path.resolve(opts.home);
  const nAgents = checkCount(opts.agents ?? 2, '--agents', 0);
  const nSim = checkCount(opts.simAgents, '--sim-agents', 0);
  const simTasks = opts.simTasks === undefined ? undefined : checkCount(opts.simTasks, '--sim-tasks', 1);
  if (nAgents + nSim === 0) throw new BatonError('BAD_INPUT', 'local up needs at least one agent (--agents or --sim-agents)', { where: '--agents' });
  if (simTasks !== undefined && nSim === 0) {
    throw new BatonError('BAD_INPUT', '--sim-tasks needs simulated agents: add --sim-agents M', { where: '--sim-tasks' });
  }
  const nControllers = checkControllerCount(opts.controllers);
  checkSocketPaths(home, nAgents, nSim, nControllers);
  // before anything starts: a cluster without etcd is a clear error, not a half-started stack
  if (nControllers > 1) findEtcdBinary();
  const timeoutMs = opts.timeoutMs ?? 60_000 + nSim * 100;
  const progress = opts.onProgress ?? (() => {});

  const old = readState(home);
  if (old) {
    // a stack of this home is recorded: repair it (restart only what died), keep its environments
    const { state, restarted } = await repairStack(old, { timeoutMs, onProgress: progress, signal: opts.signal });
    const user = await ensureLocalUser(state);
    return { state, envId: state.envId, durationMs: Date.now() - t0, restarted, user };
  }
  await sweepDeadStack(home);
  privateDir(home, 'BATON_HOME');
  privateDir(localDir(home), 'local mode folder');

  const token = randomBytes(24).toString('base64url');
  // the token goes through the environment, not argv: argv is readable by every local user
  const env = { BATON_HOME: home, BATON_TOKEN: token };
  const host = os.hostname();
  const started: Spawned[] = [];
  let control: ControlConnection | null = null;
  let state: LocalState | null = null;
  const clusterPids: number[] = [];

  const cleanup = async () => {
    control?.close();
    const pids = [...started.map((s) => s.pid), ...clusterPids];
    await stopGroups(pids, 2000);
    const left = findLeftovers(home, pids);
    for (const l of left) killGroup(l.proc.pid, 'SIGKILL');
    removeState(home);
    clearRuntimeFiles(home);
    fs.rmSync(etcdDataDir(home), { recursive: true, force: true });
  };

  try {
    // 1. agents: disjoint port ranges outside the kernel's ephemeral range, from a random start,
    // so that two stacks on one machine rarely probe the same ports (port-blocks.ts)
    const procs: AgentProc[] = [];
    const endpoints: LocalEndpoint[] = [];
    const metricsOf = async (name: string) => {
      if (opts.metrics === false) return [];
      const m = await metricsFlags(name);
      endpoints.push(m.endpoint);
      return m.argv;
    };
    const argvOf = new Map<string, string[]>();
    // a cluster's etcd takes a block of its own, after the agents'
    const portBlocks = agentPortBlocks(nAgents + (nControllers > 1 ? 1 : 0));
    const upstream = Math.ceil(nAgents / 2);
    for (let i = 1; i <= nAgents; i++) {
      const name = `agent-${i}`;
      const labels = { zone: i <= upstream ? 'upstream' : 'downstream', host };
      const readyFile = path.join(localDir(home), `${name}.ready`);
      const [lo, hi] = portBlocks[i - 1]!;
      const ports = `${lo}-${hi}`;
      const argv = [
        'agent',
        '--home',
        home,
        '--name',
        name,
        '--listen',
        agentSocket(home, name),
        '--labels',
        labelsArg(labels),
        '--ports',
        ports,
        '--ready-file',
        readyFile,
        ...(await metricsOf(name)),
      ];
      const spawned = spawnBaton(argv, logPath(home, name), env);
      argvOf.set(name, argv);
      started.push(spawned);
      procs.push({ spawned, name, readyFile, nodes: null, labels, count: 1, sim: false });
    }
    for (let p = 1, left = nSim; left > 0; p++) {
      const count = Math.min(SIM_AGENTS_PER_PROCESS, left);
      left -= count;
      const name = `sim-${p}`;
      const labels = { sim: 'true', host };
      const readyFile = path.join(localDir(home), `${name}.ready`);
      const argv = [
        'agent',
        '--home',
        home,
        '--sim',
        '--count',
        String(count),
        '--name',
        name,
        '--listen',
        count > 1 ? `unix://${path.join(localDir(home), name)}` : agentSocket(home, name),
        '--labels',
        labelsArg(labels),
        '--ready-file',
        readyFile,
        ...(await metricsOf(name)),
      ];
      const spawned = spawnBaton(argv, logPath(home, name), env);
      argvOf.set(name, argv);
      started.push(spawned);
      procs.push({ spawned, name, readyFile, nodes: null, labels, count, sim: true });
    }
    const deadline = t0 + timeoutMs;
    const total = nAgents + nSim;
    progress({ step: 'agents', message: `starting ${total} agent${total === 1 ? '' : 's'}`, done: 0, total });
    await waitAgentsReady(procs, deadline, progress, total, opts.signal);

    // 2. the controller, dialling every agent
    const agentAddrs = procs.flatMap((p) => p.nodes!.map((n) => n.address));
    const ctlFlags = [
      ...agentAddrs.flatMap((a) => ['--agent', a]),
      // the developer's own stack: the controller runs as the one user who can reach it (0700
      // home, token in a 0600 file), so a template can do nothing that user could not do by hand
      // (docs/security.md, "Templates and hooks")
      ...(opts.repos ?? []).flatMap((r) => ['--trusted-repo', path.resolve(r)]),
      ...(opts.training ? ['--training', '--trusted-repo', trainingRepo()] : []),
      '--allow-local-templates',
      '--trust-local-templates',
      '--http-hook-host',
      '*',
    ];
    let ctl: Spawned;
    let controller: LocalState['controller'];
    let cluster: LocalState['cluster'];
    if (nControllers > 1) {
      progress({ step: 'controller', message: `starting etcd and ${nControllers} controllers` });
      const launched = await startCluster({
        home,
        count: nControllers,
        controllerFlags: ctlFlags,
        metricsOf,
        env,
        etcdPorts: portBlocks[nAgents]!,
        deadline,
        started: (pid) => clusterPids.push(pid),
      });
      cluster = launched.cluster;
      controller = clusterController(cluster);
      ctl = anyController(launched.spawned);
    } else {
      const ctlArgv = ['controller', '--home', home, '--listen', controllerSocket(home), ...ctlFlags, ...(await metricsOf('controller'))];
      ctl = spawnBaton(ctlArgv, logPath(home, 'controller'), env);
      started.push(ctl);
      controller = { address: controllerSocket(home), pid: ctl.pid, log: ctl.log, argv: ctlArgv };
    }
    const ctlAddress = controller.address;
    state = {
      version: 1,
      home,
      startedMs: t0,
      token,
      controller,
      cluster,
      agents: procs
        .filter((p) => !p.sim)
        .map((p) => ({
          name: p.name,
          address: p.nodes![0]!.address,
          pid: p.spawned.pid,
          log: p.spawned.log,
          labels: p.labels,
          argv: argvOf.get(p.name),
        })),
      simAgents: procs
        .filter((p) => p.sim)
        .map((p) => ({
          name: p.name,
          pid: p.spawned.pid,
          log: p.spawned.log,
          count: p.count,
          nodes: p.nodes!,
          argv: argvOf.get(p.name),
        })),
    };
    if (endpoints.length) {
      state.metrics = endpoints;
      state.prometheusConfig = writeScrapeConfig(home, endpoints);
    }
    // written now, so that an interrupted `local up` can still be cleaned by `local down`
    writeState(home, state);
    progress({ step: 'controller', message: `starting the controller on ${ctlAddress}` });
    control = connectControl(ctlAddress, { token, client: 'cli' });
    await waitController(control, ctl, deadline, opts.signal);

    // 3. every agent up in the controller's view
    const names = new Set(procs.flatMap((p) => p.nodes!.map((n) => n.name)));
    await waitNodesUp(control, ctl, names, deadline, progress, opts.signal);

    // 4. the OS user, an admin of this controller, with its token in local/user-token
    const user = await ensureLocalUser(state);

    // 5. optionally, the simulated farm's environment (created, not deployed)
    let envId: string | undefined;
    if (simTasks !== undefined) {
      progress({ step: 'environment', message: `creating sim-farm with ${simTasks} tasks` });
      const env = await control.call(
        'createEnvironment',
        {
          workflow: 'sim-farm',
          vars: { tasks: String(simTasks) },
          repo: '',
          revision: '',
          owner: os.userInfo().username,
          autoDeploy: false,
          name: '',
          runType: '',
        },
        120_000,
      );
      envId = env.id;
      state.envId = envId;
      writeState(home, state);
    }
    control.close();
    return { state, envId, durationMs: Date.now() - t0, user };
  } catch (e) {
    await cleanup();
    throw opts.signal?.aborted ? abortedError() : toBatonError(e);
  }
}

/** The kernel's limit on a unix socket path (sun_path, with its terminating NUL). */
const MAX_SOCKET_PATH = 107;

/** Fails before starting anything if the longest socket path of this stack does not fit. */
function checkSocketPaths(home: string, nAgents: number, nSim: number, nControllers: number): void {
  const longest = [
    (nControllers > 1 ? clusterControllerSocket(home, nControllers) : controllerSocket(home)).slice('unix://'.length),
    path.join(home, 'agents', `agent-${Math.max(1, nAgents)}`, 'task.sock'),
    nSim ? path.join(localDir(home), 'sim-9', `sim-9-${SIM_AGENTS_PER_PROCESS}.sock`) : '',
    nSim ? path.join(home, 'agents', `sim-9-${SIM_AGENTS_PER_PROCESS}`, 'task.sock') : '',
  ].sort((a, b) => b.length - a.length)[0]!;
  if (Buffer.byteLength(longest) > MAX_SOCKET_PATH) {
    throw new BatonError(
      'BAD_INPUT',
      `BATON_HOME ${home} is too long for unix sockets (${longest} is ${Buffer.byteLength(longest)} bytes, at most ${MAX_SOCKET_PATH}): use a shorter --home`,
      { where: '--home' },
    );
  }
}

function labelsArg(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
