// Agent options and their defaults. The shape is the contract in docs/architecture.md.
import * as os from 'node:os';
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';
import { DEFAULT_ORPHAN_GRACE_MS } from '../model/orphan-grace.js';
import { parseAddress, isLoopback, type ParsedAddress } from '../rpc/address.js';
import { loadTls, type TlsFiles, type TlsPem } from '../rpc/tls.js';

/** cert, key (PEM text, Buffer or file path) and the CA that signs the controller's client certificate */
export type { TlsFiles } from '../rpc/tls.js';

export interface AgentOptions {
  name: string;
  /** BATON_HOME: the agent keeps its files in <home>/agents/<name>/ */
  home: string;
  /** unix:///abs/path or host:port (loopback unless tls is given) */
  listen: string;
  token?: string;
  labels: Record<string, string>;
  resources?: { cpu?: number; memoryBytes?: number };
  /** ports for tcp channel binds, inclusive; default [20000, 29999] */
  portRange?: [number, number];
  /** every task runs on the sim driver (no processes) */
  sim?: boolean;
  /** the host name other nodes reach this node's channels by; default 127.0.0.1 when listening on
   *  loopback or a unix socket, else os.hostname() */
  host?: string;
  tls?: TlsFiles;
  /** log size cap per task before rotation to .1; default 16 MiB (an extra, for tests) */
  logMaxBytes?: number;
  /** spawn tasks through the spawn helper (core/agent/native) when it was built; default true,
   *  false when BATON_SPAWN_HELPER=0 (to compare with Node's own spawn) */
  spawnHelper?: boolean;
  /** how long a controlled task may go without reaching its agent before it leaves (ms; 0 =
   *  never); default 300 s. A restarted agent re-adopts its tasks well inside this; a task whose
   *  agent never comes back ends instead of running on as an orphan. */
  orphanGraceMs?: number;
  /** serve Prometheus metrics over HTTP on host:port (port 0: any free port); off when absent
   *  (docs/observability.md). startSimAgents serves one endpoint for all its agents. */
  metricsListen?: string;
  /** at most this many tasks get a label of their own in the metrics (default 200) */
  taskLabelLimit?: number;
}

export interface AgentHandle {
  name: string;
  address: string;
  /** http://host:port/metrics when metricsListen was given (shared by the agents of startSimAgents) */
  metricsUrl?: string;
  stop(opts?: { killTasks?: boolean }): Promise<void>;
}

export interface ResolvedOptions {
  name: string;
  home: string;
  dir: string; // <home>/agents/<name>
  listen: ParsedAddress;
  token?: string;
  labels: Record<string, string>;
  cpu: number;
  memoryBytes: number;
  portMin: number;
  portMax: number;
  sim: boolean;
  host: string;
  tls?: TlsPem;
  logMaxBytes: number;
  spawnHelper: boolean;
  orphanGraceMs: number;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function resolveOptions(input: AgentOptions): ResolvedOptions {
  if (!input || typeof input.name !== 'string' || !NAME_RE.test(input.name)) {
    throw new BatonError('BAD_INPUT', `agent name ${JSON.stringify(input?.name)}: letters, digits, . _ - (up to 63)`, { where: 'name' });
  }
  if (!input.home || !path.isAbsolute(input.home)) {
    throw new BatonError('BAD_INPUT', `agent home ${JSON.stringify(input.home)} must be an absolute path`, { where: 'home' });
  }
  const listen = parseAddress(input.listen, 'listen');
  const [portMin, portMax] = input.portRange ?? [20000, 29999];
  if (!(Number.isInteger(portMin) && Number.isInteger(portMax) && portMin > 0 && portMin <= portMax && portMax <= 65535)) {
    throw new BatonError('BAD_INPUT', `port range ${portMin}-${portMax} is not a valid range`, { where: 'portRange' });
  }
  const grace = input.orphanGraceMs ?? DEFAULT_ORPHAN_GRACE_MS;
  if (!(Number.isInteger(grace) && grace >= 0)) {
    throw new BatonError('BAD_INPUT', `orphan grace ${grace}: a whole number of milliseconds, 0 or more`, { where: 'orphanGraceMs' });
  }
  const local = listen.kind === 'unix' || isLoopback(listen.host!);
  return {
    name: input.name,
    home: input.home,
    dir: path.join(input.home, 'agents', input.name),
    listen,
    token: input.token || undefined,
    labels: { ...(input.labels ?? {}) },
    cpu: input.resources?.cpu ?? os.cpus().length,
    memoryBytes: input.resources?.memoryBytes ?? os.totalmem(),
    portMin,
    portMax,
    sim: !!input.sim,
    host: input.host ?? (local ? '127.0.0.1' : os.hostname()),
    tls: loadTls(input.tls, 'agent'),
    logMaxBytes: input.logMaxBytes ?? 16 * 1024 * 1024,
    spawnHelper: input.spawnHelper ?? process.env.BATON_SPAWN_HELPER !== '0',
    orphanGraceMs: grace,
  };
}
