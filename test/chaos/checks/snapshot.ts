// One look at both sides: what the controller says (environments with their tasks, nodes, runs)
// and what runs (/proc), taken back to back.
import type { Environment, Node, Run } from '../../../core/rpc/gen/control.js';
import { getEnvironment, listEnvironments, listNodes, listRuns } from '../client.js';
import { scanTagged, type ProcessInfo } from '../proc-scan.js';
import type { ChaosStack } from '../stack.js';

export interface Snapshot {
  envs: Environment[];
  nodes: Node[];
  runs: Run[];
  procs: Map<number, ProcessInfo>;
  managed: Set<number>;
  at: number;
}

export async function snapshot(stack: ChaosStack, withRuns = false): Promise<Snapshot> {
  const c = stack.client;
  const listed = await listEnvironments(c);
  const envs: Environment[] = [];
  for (const e of listed) {
    try {
      envs.push(await getEnvironment(c, e.id));
    } catch {
      /* destroyed meanwhile */
    }
  }
  const nodes = await listNodes(c);
  const runs = withRuns ? await listRuns(c) : [];
  return { envs, nodes, runs, procs: scanTagged(stack.tag), managed: stack.managedPids(), at: Date.now() };
}
