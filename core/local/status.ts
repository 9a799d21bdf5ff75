// `baton local status`: is a local stack running here, and what does its controller say.
import { toBatonError, type ErrorDetailLike } from '../model/errors.js';
import { connectControl } from '../rpc/control-client.js';
import { isAlive } from './procs.js';
import { readState } from './state.js';
import { deadProcesses, type DeadProcess } from './repair.js';
import { clusterMembers, type ClusterMember } from './cluster.js';

export interface LocalStatus {
  home: string;
  running: boolean;
  controller?: { address: string; pid: number; alive: boolean; answers: boolean; id?: string; store?: string; error?: ErrorDetailLike };
  agents?: { name: string; pid: number; alive: boolean }[];
  simAgentProcesses?: { pid: number; count: number; alive: boolean }[];
  nodes?: { up: number; total: number };
  environments?: { id: string; name: string; workflow: string; state: string; runNumber: number | null }[];
  lastRunNumber?: number;
  startedMs?: number;
  logs?: string;
  /** recorded processes that are not alive: `baton local up` restarts them (repair) */
  dead?: DeadProcess[];
  /** the command that repairs the stack, when something is dead or does not answer */
  repair?: string;
  /** a fail-over cluster (`local up --controllers N`): each controller and its role, and etcd */
  cluster?: { controllers: ClusterMember[]; leader: string | null; etcd: { endpoint: string; pid: number; alive: boolean } };
}

export const REPAIR_COMMAND = 'baton local up';

export async function localStatus(opts: { home: string }): Promise<LocalStatus> {
  const state = readState(opts.home);
  if (!state) return { home: opts.home, running: false };
  const st: LocalStatus = {
    home: opts.home,
    running: false,
    startedMs: state.startedMs,
    controller: { address: state.controller.address, pid: state.controller.pid, alive: isAlive(state.controller.pid), answers: false },
    agents: state.agents.map((a) => ({ name: a.name, pid: a.pid, alive: isAlive(a.pid) })),
    simAgentProcesses: state.simAgents.map((s) => ({ pid: s.pid, count: s.count, alive: isAlive(s.pid) })),
    logs: state.controller.log.replace(/\/[^/]*$/, ''),
  };
  const c = connectControl(state.controller.address, { token: state.token });
  try {
    const info = await c.call('getInfo', {}, 3000);
    st.controller = { ...st.controller!, answers: true, id: info.controllerId, store: info.store, pid: info.pid || st.controller!.pid, alive: true };
    st.lastRunNumber = info.lastRunNumber;
    const nodes = (await c.call('listNodes', {}, 10_000)).nodes;
    st.nodes = { up: nodes.filter((n) => n.up).length, total: nodes.length };
    const envs = (await c.call('listEnvironments', {}, 10_000)).environments;
    st.environments = envs.map((e) => ({ id: e.id, name: e.name, workflow: e.workflow, state: e.state, runNumber: e.runNumber ?? null }));
  } catch (e) {
    st.controller!.error = toBatonError(e).detail;
  } finally {
    c.close();
  }
  st.running = st.controller!.answers;
  if (state.cluster) {
    const controllers = await clusterMembers(state);
    const etcd = state.cluster.etcd;
    st.cluster = {
      controllers,
      leader: controllers.find((c) => c.role === 'leader')?.name ?? null,
      etcd: { endpoint: etcd.endpoint, pid: etcd.pid, alive: isAlive(etcd.pid) },
    };
  }
  st.dead = deadProcesses(state);
  if (st.dead.length || !st.running) st.repair = REPAIR_COMMAND;
  return st;
}
