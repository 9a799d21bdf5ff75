// $BATON_HOME/local/state.json: what `baton local up` started, so that the CLI can find the
// controller and `baton local down` can stop everything (and find what is left).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';
import { statePath } from './paths.js';

export interface LocalNode {
  name: string;
  address: string;
}

export interface LocalProcess {
  pid: number; // also its process group id: every process is started as a group leader
  log: string;
}

export interface LocalState {
  version: 1;
  home: string;
  startedMs: number;
  token: string;
  controller: LocalProcess & {
    address: string;
    /** the arguments after bin/baton.js, so that a restart uses the same socket, home and token */
    argv: string[];
  };
  /** argv: the arguments after bin/baton.js, so that `local up` can restart a dead agent as it was */
  agents: (LocalProcess & LocalNode & { labels: Record<string, string>; argv?: string[] })[];
  /** one process per group of up to 100 simulated agents */
  simAgents: (LocalProcess & { count: number; nodes: LocalNode[]; name?: string; argv?: string[] })[];
  /** the sim-farm environment created by `local up --sim-tasks K` */
  envId?: string;
  /** the metrics endpoints of the stack's processes (absent: started with --no-metrics) */
  metrics?: { name: string; url: string }[];
  /** local/prometheus.yml, a scrape config for them */
  prometheusConfig?: string;
  /** `local up --controllers N` (N >= 2): etcd and the controllers of the fail-over cluster; then
   *  `controller.address` is every controller's address, comma-separated (clients follow the
   *  leader: rpc/leader-client.ts), and `controller.pid` is 0 (which one leads changes) */
  cluster?: LocalClusterState;
}

export interface LocalClusterState {
  etcd: LocalProcess & { endpoint: string; dataDir: string; argv: string[] };
  /** controller-1 ... controller-N, each on its own socket, all on the same etcd store */
  controllers: (LocalProcess & { name: string; address: string; argv: string[] })[];
}

export function readState(home: string): LocalState | null {
  const p = statePath(home);
  let text: string;
  try {
    text = fs.readFileSync(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const s = JSON.parse(text) as LocalState;
    if (!s || typeof s !== 'object' || !s.controller?.address) throw new Error('no controller address');
    s.agents ??= [];
    s.simAgents ??= [];
    return s;
  } catch (e) {
    throw new BatonError('BAD_INPUT', `${p} is not a local-mode state file: ${(e as Error).message}`, { where: p });
  }
}

/** Written atomically (tmp + rename) and readable only by the user: it holds the token. */
export function writeState(home: string, s: LocalState): void {
  const p = statePath(home);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  const tmp = `${p}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, p);
}

export function removeState(home: string): void {
  fs.rmSync(statePath(home), { force: true });
}

/** Sockets, ready files and sim-agent socket directories of a stack that is gone (logs stay). */
export function clearRuntimeFiles(home: string): void {
  const dir = path.dirname(statePath(home));
  if (!fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir)) {
    if (f.endsWith('.sock') || f.endsWith('.ready') || f.endsWith('.tmp') || /^sim-\d+$/.test(f)) {
      fs.rmSync(path.join(dir, f), { force: true, recursive: true });
    }
  }
}

/** Every pid local mode started (each one a process group leader). */
export function statePids(s: LocalState): number[] {
  const cluster = s.cluster ? [...s.cluster.controllers.map((c) => c.pid), s.cluster.etcd.pid] : [];
  return [s.controller.pid, ...cluster, ...s.agents.map((a) => a.pid), ...s.simAgents.map((a) => a.pid)].filter((p) => p > 0);
}
