// A local stack run as a fail-over cluster (`baton local up --controllers N`, N = 2 or 3): one etcd
// (etcd.ts) and N `baton controller --store etcd://...` processes, each on a socket of its own,
// all dialling the same agents. They elect a leader (controller/cluster/); the others answer
// NOT_LEADER naming it. Every client of the stack is given all the addresses, comma-separated in
// state.json's controller.address, and follows the leader (rpc/leader-client.ts): the CLI, the
// console's gateway, `baton train`. What is killed is repaired by `baton local up` (repair.ts).
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';
import { connectControl } from '../rpc/control-client.js';
import { etcdStoreUrl, startEtcd, waitEtcd } from './etcd.js';
import { localDir, logPath } from './paths.js';
import { isAlive } from './procs.js';
import { spawnBaton, type Spawned } from './spawn.js';
import type { LocalClusterState, LocalState } from './state.js';

/** the most controllers a local cluster runs (etcd's own advice for a control plane: 3 or 5) */
export const MAX_LOCAL_CONTROLLERS = 3;

export function clusterControllerSocket(home: string, index: number): string {
  return `unix://${path.join(localDir(home), `controller-${index}.sock`)}`;
}

/** Checks --controllers: 1 (one controller on SQLite, the default) up to MAX_LOCAL_CONTROLLERS. */
export function checkControllerCount(n: number | undefined): number {
  const count = n ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_LOCAL_CONTROLLERS) {
    throw new BatonError(
      'BAD_INPUT',
      `--controllers must be 1 (one controller on SQLite) or 2 to ${MAX_LOCAL_CONTROLLERS} (a fail-over cluster on etcd), got ${n}`,
      {
        where: '--controllers',
      },
    );
  }
  return count;
}

/** One process standing for all the controllers in the readiness waits: it has "exited" only
 *  when every controller has (while one lives, a leader may still be elected). */
export function anyController(spawned: Spawned[]): Spawned {
  const first = spawned[0]!;
  return {
    pid: first.pid,
    log: first.log,
    child: first.child,
    get exited() {
      return spawned.every((s) => s.exited) ? first.exited : null;
    },
  };
}

export interface ClusterStartOptions {
  home: string;
  count: number;
  /** the controller flags after --home and --listen (agents, repos, training) */
  controllerFlags: string[];
  /** the metrics flags of one process (none when metrics are off) */
  metricsOf: (name: string) => Promise<string[]>;
  env: Record<string, string>;
  /** the ports etcd may take (a block of its own, port-blocks.ts) */
  etcdPorts: [number, number];
  deadline: number;
  /** told each pid as it starts, so that a failed start stops it */
  started: (pid: number) => void;
}

/** Starts etcd, waits until it answers, then starts the controllers (not waited for). */
export async function startCluster(o: ClusterStartOptions): Promise<{ cluster: LocalClusterState; spawned: Spawned[] }> {
  const etcd = await startEtcd(o.home, o.etcdPorts);
  o.started(etcd.pid);
  await waitEtcd(etcd, () => isAlive(etcd.pid), o.deadline);
  const store = etcdStoreUrl(etcd);
  const spawned: Spawned[] = [];
  const controllers: LocalClusterState['controllers'] = [];
  for (let i = 1; i <= o.count; i++) {
    const name = `controller-${i}`;
    const address = clusterControllerSocket(o.home, i);
    const argv = ['controller', '--home', o.home, '--listen', address, '--store', store, ...o.controllerFlags, ...(await o.metricsOf(name))];
    const s = spawnBaton(argv, logPath(o.home, name), o.env);
    o.started(s.pid);
    spawned.push(s);
    controllers.push({ name, address, pid: s.pid, log: s.log, argv });
  }
  return { cluster: { etcd, controllers }, spawned };
}

/** The state's controller entry for a cluster: every address, so that clients follow the leader. */
export function clusterController(cluster: LocalClusterState): LocalState['controller'] {
  return { address: cluster.controllers.map((c) => c.address).join(','), pid: 0, log: cluster.controllers[0]!.log, argv: [] };
}

export type ControllerRole = 'leader' | 'follower' | 'silent' | 'dead';

export interface ClusterMember {
  name: string;
  address: string;
  pid: number;
  role: ControllerRole;
  /** a follower's word on who leads ('' while none is elected) */
  leader?: string;
}

/** What one controller says when asked alone: it leads (answers), follows (NOT_LEADER), or neither. */
export async function roleOf(address: string, token: string, pid: number): Promise<{ role: ControllerRole; leader?: string }> {
  if (!isAlive(pid)) return { role: 'dead' };
  const c = connectControl(address, { token });
  try {
    await c.call('getInfo', {}, 2000);
    return { role: 'leader' };
  } catch (e) {
    const err = e as BatonError;
    if (err.code === 'NOT_LEADER') return { role: 'follower', leader: String(err.detail?.data?.leader ?? '') };
    return { role: 'silent' };
  } finally {
    c.close();
  }
}

/** Each controller of the cluster with its role, asked one by one. */
export async function clusterMembers(state: LocalState): Promise<ClusterMember[]> {
  const cluster = state.cluster;
  if (!cluster) return [];
  return Promise.all(
    cluster.controllers.map(async (c) => ({ name: c.name, address: c.address, pid: c.pid, ...(await roleOf(c.address, state.token, c.pid)) })),
  );
}

/** The recorded processes of the cluster that are not alive (etcd and controllers). */
export function deadClusterProcesses(cluster: LocalClusterState): { what: string; pid: number }[] {
  return [
    ...(isAlive(cluster.etcd.pid) ? [] : [{ what: 'etcd', pid: cluster.etcd.pid }]),
    ...cluster.controllers.filter((c) => !isAlive(c.pid)).map((c) => ({ what: c.name, pid: c.pid })),
  ];
}
