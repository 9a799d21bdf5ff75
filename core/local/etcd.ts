// The etcd of a local cluster (`baton local up --controllers N`): Debian's `etcd` binary, one
// member, its data under $BATON_HOME/local/etcd, on two loopback ports of the stack's own port
// block (port-blocks.ts: outside the kernel's ephemeral range, from a random start, so that two
// stacks rarely meet). Started detached in its own process group like every local-mode process.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';
import { localDir, logPath } from './paths.js';
import { tailFile } from './spawn.js';
import type { LocalClusterState } from './state.js';

/** endpoint: host:port of its client URL; argv: the binary and its arguments (a repair starts it as it was) */
export type LocalEtcd = LocalClusterState['etcd'];

/** where the binary is: $BATON_ETCD_BIN, else `etcd` on PATH (Debian's package puts it in /usr/bin) */
export function findEtcdBinary(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.BATON_ETCD_BIN;
  if (explicit) {
    if (isExecutable(explicit)) return explicit;
    throw new BatonError('BAD_INPUT', `BATON_ETCD_BIN=${explicit} is not an executable file`, { where: 'BATON_ETCD_BIN' });
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'etcd');
    if (isExecutable(candidate)) return candidate;
  }
  throw new BatonError(
    'UNAVAILABLE',
    'local up --controllers N needs etcd (the controllers of a cluster share an etcd store) and no etcd binary is on PATH: install it (Debian: apt-get install etcd-server) or set BATON_ETCD_BIN',
    { where: '--controllers' },
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** two free neighbouring ports of the block [lo, hi] (client, peer) */
export async function etcdPorts([lo, hi]: [number, number]): Promise<[number, number]> {
  for (let p = lo; p + 1 <= hi; p += 2) {
    if ((await portFree(p)) && (await portFree(p + 1))) return [p, p + 1];
  }
  throw new BatonError('UNAVAILABLE', `no two free loopback ports for etcd in ${lo}-${hi}`, { where: '--controllers' });
}

export function etcdDataDir(home: string): string {
  return path.join(localDir(home), 'etcd');
}

/** Starts etcd (detached, its own group, output to local/etcd.log); does not wait for it. */
export function spawnEtcd(binary: string, args: string[], log: string): number {
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const fd = fs.openSync(log, 'a', 0o600);
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd] });
    if (child.pid === undefined) throw new BatonError('UNAVAILABLE', `could not start ${binary}`, { where: log });
    child.on('error', () => {});
    child.unref();
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

/** The arguments of a one-member etcd cluster serving `client` (http or https) and `peer`. */
export function singleMemberArgs(m: { name: string; dataDir: string; client: string; peer: string; logLevel: string }): string[] {
  return [
    '--name',
    m.name,
    '--data-dir',
    m.dataDir,
    '--listen-client-urls',
    m.client,
    '--advertise-client-urls',
    m.client,
    '--listen-peer-urls',
    m.peer,
    '--initial-advertise-peer-urls',
    m.peer,
    '--initial-cluster',
    `${m.name}=${m.peer}`,
    '--log-level',
    m.logLevel,
  ];
}

/** etcd for the stack of `home` on the ports of `block`: started, not yet waited for. */
export async function startEtcd(home: string, block: [number, number]): Promise<LocalEtcd> {
  const binary = findEtcdBinary();
  const [clientPort, peerPort] = await etcdPorts(block);
  const dataDir = etcdDataDir(home);
  // a new stack, a new store: data left by a stack that died whole names other ports
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = singleMemberArgs({ name: 'baton-local', dataDir, client, peer, logLevel: 'warn' });
  const log = logPath(home, 'etcd');
  const pid = spawnEtcd(binary, args, log);
  return { pid, log, endpoint: `127.0.0.1:${clientPort}`, dataDir, argv: [binary, ...args] };
}

function healthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`http://${endpoint}/health`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"true"/.test(body)));
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** Waits until etcd says it is healthy; fails naming its log when it exits or the deadline passes. */
export async function waitEtcd(etcd: LocalEtcd, alive: () => boolean, deadline: number): Promise<void> {
  for (;;) {
    if (await healthy(etcd.endpoint)) return;
    if (!alive()) {
      throw new BatonError('UNAVAILABLE', `etcd exited while starting (log: ${etcd.log})`, { lastLines: tailFile(etcd.log), where: etcd.log });
    }
    if (Date.now() > deadline) {
      throw new BatonError('TIMEOUT', `etcd did not answer on ${etcd.endpoint} in time (log: ${etcd.log})`, { lastLines: tailFile(etcd.log), where: etcd.log });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** the controllers' --store address */
export function etcdStoreUrl(etcd: LocalEtcd): string {
  return `etcd://${etcd.endpoint}/baton`;
}
