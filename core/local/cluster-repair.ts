// `baton local up` on a local cluster that lost a part: etcd restarted with its recorded arguments
// (same ports, same data: the store is kept), then each dead controller restarted on its socket.
// A restarted controller comes back as a follower while another leads, or campaigns and leads when
// none does (every controller died): the repair returns once the cluster has a leader again.
import { BatonError } from '../model/errors.js';
import { anyController, roleOf } from './cluster.js';
import { spawnEtcd, waitEtcd } from './etcd.js';
import { isAlive } from './procs.js';
import { spawnBaton, tailFile, type Spawned } from './spawn.js';
import { writeState, type LocalClusterState, type LocalState } from './state.js';

/** what was restarted (repair.ts's RestartedProcess) */
interface Restarted {
  what: string;
  oldPid: number;
  pid: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until a restarted controller answers on its socket, as the leader or a follower. */
async function waitServing(state: LocalState, c: LocalClusterState['controllers'][number], s: Spawned, deadline: number): Promise<void> {
  for (;;) {
    const { role } = await roleOf(c.address, state.token, c.pid);
    if (role === 'leader' || role === 'follower') return;
    if (s.exited) {
      throw new BatonError('UNAVAILABLE', `${c.name} exited while restarting (log: ${c.log})`, { lastLines: tailFile(c.log), where: c.log });
    }
    if (Date.now() > deadline) {
      throw new BatonError('TIMEOUT', `${c.name} did not answer on ${c.address} in time (log: ${c.log})`, { lastLines: tailFile(c.log), where: c.log });
    }
    await sleep(100);
  }
}

/**
 * Restarts etcd and the controllers that died (the state is rewritten with their new pids).
 * Returns what it restarted, and one process standing for the controllers for the waits that
 * follow (the leader answering, every agent up).
 */
export async function repairCluster(
  state: LocalState,
  env: Record<string, string>,
  deadline: number,
  say: (message: string) => void,
): Promise<{ restarted: Restarted[]; controllers: Spawned }> {
  const cluster = state.cluster!;
  const restarted: Restarted[] = [];
  if (!isAlive(cluster.etcd.pid)) {
    say(`restarting etcd on ${cluster.etcd.endpoint}`);
    const [binary, ...args] = cluster.etcd.argv;
    const pid = spawnEtcd(binary!, args, cluster.etcd.log);
    restarted.push({ what: 'etcd', oldPid: cluster.etcd.pid, pid });
    cluster.etcd.pid = pid;
    writeState(state.home, state);
    await waitEtcd(cluster.etcd, () => isAlive(pid), deadline);
  }
  const spawned: Spawned[] = [];
  const waits: Promise<void>[] = [];
  for (const c of cluster.controllers) {
    if (isAlive(c.pid)) {
      spawned.push({ pid: c.pid, log: c.log, exited: null } as Spawned);
      continue;
    }
    say(`restarting ${c.name} on ${c.address}`);
    const s = spawnBaton(c.argv, c.log, env);
    restarted.push({ what: c.name, oldPid: c.pid, pid: s.pid });
    c.pid = s.pid;
    spawned.push(s);
    waits.push(waitServing(state, c, s, deadline));
  }
  writeState(state.home, state);
  await Promise.all(waits);
  return { restarted, controllers: anyController(spawned) };
}
