// Readiness of a starting local stack: agents listening (their ready files), the controller
// answering, every agent up in the controller's view. Each wait fails fast when the process it
// waits for exits, naming it and showing the end of its log.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError, toBatonError } from '../model/errors.js';
import type { ControlConnection } from '../rpc/control-client.js';
import { tailFile, type Spawned } from './spawn.js';
import type { LocalNode } from './state.js';

export interface UpProgress {
  step: 'agents' | 'controller' | 'nodes' | 'environment';
  message: string;
  done?: number;
  total?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface AgentProc {
  spawned: Spawned;
  name: string;
  readyFile: string;
  nodes: LocalNode[] | null;
  labels: Record<string, string>;
  count: number;
  sim: boolean;
}

export function failedToStart(what: string, s: Spawned): BatonError {
  const how = s.exited?.signal ? `was killed by ${s.exited.signal}` : `exited with code ${s.exited?.code}`;
  return new BatonError('UNAVAILABLE', `${what} ${how} while starting (log: ${s.log})`, {
    lastLines: tailFile(s.log),
  });
}

export function abortedError(): BatonError {
  return new BatonError('UNAVAILABLE', 'local up was interrupted; everything it started was stopped');
}

export async function waitAgentsReady(
  procs: AgentProc[],
  deadline: number,
  progress: (p: UpProgress) => void,
  total: number,
  signal?: AbortSignal,
): Promise<void> {
  let last = -1;
  for (;;) {
    if (signal?.aborted) throw abortedError();
    let ready = 0;
    for (const p of procs) {
      if (!p.nodes) {
        try {
          const r = JSON.parse(fs.readFileSync(p.readyFile, 'utf8')) as { nodes: LocalNode[] };
          if (Array.isArray(r.nodes) && r.nodes.length) p.nodes = r.nodes;
        } catch {
          /* not yet */
        }
      }
      if (p.nodes) ready += p.count;
      else if (p.spawned.exited) throw failedToStart(`agent ${p.name}`, p.spawned);
    }
    if (ready !== last) {
      progress({ step: 'agents', message: `agents listening ${ready}/${total}`, done: ready, total });
      last = ready;
    }
    if (procs.every((p) => p.nodes)) return;
    if (Date.now() > deadline) {
      const late = procs.filter((p) => !p.nodes);
      throw new BatonError('TIMEOUT', `agents did not start in time: ${late.map((p) => p.name).join(', ')} (logs in ${path.dirname(late[0]!.spawned.log)})`, {
        lastLines: tailFile(late[0]!.spawned.log),
        causes: late.map((p) => ({ code: 'TIMEOUT', message: `agent ${p.name} not listening`, node: p.name, where: p.spawned.log })),
      });
    }
    await sleep(50);
  }
}

export async function waitController(control: ControlConnection, ctl: Spawned, deadline: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    if (signal?.aborted) throw abortedError();
    try {
      await control.call('getInfo', {}, 2000);
      return;
    } catch (e) {
      const be = toBatonError(e);
      if (be.code === 'UNAUTHENTICATED') throw be;
    }
    if (ctl.exited) throw failedToStart('the controller', ctl);
    if (Date.now() > deadline) {
      throw new BatonError('TIMEOUT', `the controller did not answer on its socket in time (log: ${ctl.log})`, {
        lastLines: tailFile(ctl.log),
        where: ctl.log,
      });
    }
    await sleep(100);
  }
}

export async function waitNodesUp(
  control: ControlConnection,
  ctl: Spawned,
  names: Set<string>,
  deadline: number,
  progress: (p: UpProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  let last = -1;
  for (;;) {
    if (signal?.aborted) throw abortedError();
    const reply = await control.call('listNodes', {}, 10_000);
    const up = new Set(reply.nodes.filter((n) => n.up).map((n) => n.name));
    const n = [...names].filter((x) => up.has(x)).length;
    if (n !== last) {
      progress({ step: 'nodes', message: `nodes up ${n}/${names.size}`, done: n, total: names.size });
      last = n;
    }
    if (n === names.size) return;
    if (ctl.exited) throw failedToStart('the controller', ctl);
    if (Date.now() > deadline) {
      const missing = [...names].filter((x) => !up.has(x));
      throw new BatonError(
        'TIMEOUT',
        `${missing.length} of ${names.size} agents are not up in the controller: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' ...' : ''}`,
        { lastLines: tailFile(ctl.log) },
      );
    }
    await sleep(100);
  }
}
