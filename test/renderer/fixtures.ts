// Builders for the generated message types with every field present (as the gateway sends them).
import type { ChannelEdge, Environment, Event, Role, Task, VarSpec } from '../../core/rpc/gen/control.js';

export function task(p: Partial<Task> & { id: string }): Task {
  return {
    name: p.id,
    role: p.id,
    envId: 'env-1',
    className: 'demo',
    state: 'STANDBY',
    node: 'agent-1',
    pid: 100,
    critical: false,
    lost: false,
    control: 'controlled',
    driver: 'process',
    exit: undefined,
    cpu: 0,
    rssBytes: 0,
    host: 'localhost',
    logPath: '',
    ports: {},
    counters: [],
    error: undefined,
    included: true,
    command: 'node',
    args: [],
    addresses: {},
    restarts: 0,
    unreachable: false,
    ...p,
  };
}

export function env(p: Partial<Environment> & { id: string }): Environment {
  return {
    name: p.id,
    workflow: 'daq-chain',
    state: 'STANDBY',
    runNumber: undefined,
    owner: '',
    createdMs: 1000,
    updatedMs: 1000,
    vars: {},
    repo: '',
    revision: '',
    tasks: [],
    root: undefined,
    graph: undefined,
    counts: undefined,
    error: undefined,
    transition: '',
    degraded: false,
    awaitingReap: [],
    unreachableNodes: [],
    holder: '',
    heldSinceMs: 0,
    claimedDetectors: [],
    claimedNodes: [],
    runType: '',
    ...p,
  };
}

let seq = 0;
export function event(p: Partial<Event> & { kind: string }): Event {
  return {
    seq: ++seq,
    timeMs: Date.now(),
    envId: 'env-1',
    taskId: '',
    node: '',
    state: '',
    transition: '',
    message: '',
    error: undefined,
    data: {},
    runNumber: 0,
    ...p,
  };
}
export function resetSeq(n = 0) {
  seq = n;
}

export function role(p: Partial<Role> & { path: string }): Role {
  return {
    name: p.path.split('/').pop()!,
    kind: 'task',
    state: 'STANDBY',
    critical: false,
    included: true,
    taskId: '',
    children: [],
    nmin: 0,
    leaves: 0,
    leafStates: {},
    ...p,
  };
}

export function edge(from: string, to: string, msgRate = 0, channel = 'out'): ChannelEdge {
  return { from: { role: from, channel, address: '' }, to: { role: to, channel: 'in', address: '' }, type: 'push', msgRate, byteRate: msgRate * 100 };
}

export function varSpec(p: Partial<VarSpec> & { name: string; type: string }): VarSpec {
  return { defaultJson: '', label: '', description: '', public: true, widget: '', values: [], min: undefined, max: undefined, ...p };
}

export function errorDetail(p: { code: string; message: string; taskName?: string; node?: string; exitCode?: number; signal?: string }) {
  return { envId: '', taskId: '', taskName: '', node: '', exitCode: -1, signal: '', lastLines: [], where: '', transition: '', causes: [], data: {}, ...p };
}
