// A fail-over cluster for tests: a real etcd, real agents (in this process, on unix sockets),
// and 2-3 real `baton controller --store etcd://...` processes on free loopback ports, all on the
// same agents. stop() kills everything it started (controllers -9, agents with their tasks, etcd)
// and removes the temp dirs; tests call it in t.after, so it runs when they fail too.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAgent, type AgentHandle } from '../../../core/agent/main.js';
import { BATON, baton, cleanEnv, type Result } from '../cli/harness.js';
import { agentPorts } from '../controller/harness.js';
import { type EtcdTlsFiles, freePort, startEtcd, type TestEtcd } from './etcd.js';

export const TOKEN = 'failover-test-token';

export interface ClusterController {
  index: number;
  address: string;
  proc: ChildProcess;
  /** everything it printed (stdout and stderr) */
  output(): string;
  leading(): boolean;
  exited(): boolean;
  exitCode(): number | null;
  kill9(): Promise<void>;
}

export interface Cluster {
  etcd: TestEtcd;
  home: string;
  agents: AgentHandle[];
  controllers: ClusterController[];
  /** every controller's address, comma-separated: what the CLI is given */
  all: string;
  /** runs `baton --controller <all> --token ... args` */
  cli(args: string[], controllers?: string): Promise<Result>;
  json<T>(args: string[]): Promise<T>;
  /** starts controller index again (a new process on the same address, a follower at first) */
  restart(index: number): Promise<ClusterController>;
  /** the live controller that printed that it leads (waits for one) */
  leader(timeoutMs?: number): Promise<ClusterController>;
  stop(): Promise<void>;
}

export async function waitUntil<T>(
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startControllerProcess(index: number, home: string, port: number, store: string, agents: string[], extra: string[]): ClusterController {
  const args = [BATON, '--home', home, 'controller', '--listen', `127.0.0.1:${port}`, '--store', store, ...agents.flatMap((a) => ['--agent', a]), ...extra];
  const proc = spawn(process.execPath, args, { env: cleanEnv(home, { BATON_TOKEN: TOKEN }), stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (text += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (text += d));
  const exited = () => proc.exitCode !== null || proc.signalCode !== null;
  return {
    index,
    address: `127.0.0.1:${port}`,
    proc,
    output: () => text,
    leading: () => !exited() && /leading on/.test(text),
    exited,
    exitCode: () => proc.exitCode,
    async kill9() {
      if (exited()) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    },
  };
}

export async function startCluster(o: {
  controllers: number;
  agents?: number;
  leaseTtl?: number;
  agentLossGrace?: string;
  /** etcd serves TLS and requires client certificates; the controllers get --store etcds://
   *  and show tls.client (--store-ca/--store-cert/--store-key) */
  etcdTls?: EtcdTlsFiles;
  /** more `baton controller` arguments */
  controllerArgs?: string[];
  /** before the controllers start (e.g. a nodes.yaml in a controller's home: <home>/controller-<i>) */
  prepare?: (home: string) => void;
}): Promise<Cluster> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-failover-'));
  const etcd = await startEtcd({ tls: o.etcdTls });
  const agents: AgentHandle[] = [];
  const controllers: ClusterController[] = [];
  let store = '';
  let extra: string[] = [];
  const stop = async () => {
    await Promise.all(controllers.map((c) => c.kill9()));
    await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
    await etcd.stop();
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    for (let i = 1; i <= (o.agents ?? 2); i++) {
      agents.push(
        await startAgent({
          name: `node-${i}`,
          home,
          listen: `unix://${home}/agent-${i}.sock`,
          token: TOKEN,
          labels: {},
          portRange: agentPorts(i),
        }),
      );
    }
    store = etcd.storeUrl('baton-failover');
    const tls = o.etcdTls;
    extra = [
      ...(o.leaseTtl ? ['--lease-ttl', String(o.leaseTtl)] : []),
      ...(o.agentLossGrace ? ['--agent-loss-grace', o.agentLossGrace] : []),
      ...(tls ? ['--store-ca', tls.ca, '--store-cert', tls.client.cert, '--store-key', tls.client.key] : []),
      ...(o.controllerArgs ?? []),
    ];
    o.prepare?.(home);
    for (let i = 0; i < o.controllers; i++) {
      // each its own home (template cache, socket), one store
      const own = path.join(home, `controller-${i}`);
      controllers.push(
        startControllerProcess(
          i,
          own,
          await freePort(),
          store,
          agents.map((a) => a.address),
          extra,
        ),
      );
    }
    await waitUntil(() => controllers.every((c) => /following on/.test(c.output())), 30_000, 'every controller serving').catch((e: Error) => {
      throw new Error(`${e.message}\n${controllers.map((c) => `controller ${c.index}: ${c.output()}`).join('\n')}`);
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const all = controllers.map((c) => c.address).join(',');
  const cli = (args: string[], controllers = all) => baton(home, ['--controller', controllers, '--token', TOKEN, ...args], { timeoutMs: 60_000 });
  return {
    etcd,
    home,
    agents,
    controllers,
    all,
    cli,
    async json<T>(args: string[]) {
      const r = await cli([...args, '--json']);
      if (r.code !== 0) throw new Error(`baton ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    async restart(index) {
      const old = controllers[index]!;
      await old.kill9();
      const port = Number(old.address.split(':')[1]);
      const started = startControllerProcess(
        index,
        path.join(home, `controller-${index}`),
        port,
        store,
        agents.map((a) => a.address),
        extra,
      );
      controllers[index] = started;
      await waitUntil(() => /following on/.test(started.output()) || started.exited(), 20_000, `controller ${index} serving again`);
      return started;
    },
    leader: (timeoutMs = 20_000) => waitUntil(() => controllers.find((c) => c.leading()), timeoutMs, 'a leader'),
    stop,
  };
}

export interface EnvDoc {
  id: string;
  state: string;
  runNumber: number | null;
  tasks: { id: string; name: string; state: string; pid: number; lost: boolean }[];
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
