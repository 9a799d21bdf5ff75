// `baton local down`: destroy every environment (graded kill of its tasks), stop the agents and
// the controller (SIGTERM, then SIGKILL on their groups), then make sure nothing is left: scan
// /proc for anything of this home (its services, and task processes that outlived an agent)
// and kill it. Removes state.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toBatonError, type ErrorDetailLike } from '../model/errors.js';
import { connectControl } from '../rpc/control-client.js';
import { findLeftovers, isAlive, killGroup, stopGroups, waitGone } from './procs.js';
import { clearRuntimeFiles, readState, removeState, statePids } from './state.js';

export interface LocalDownOptions {
  home: string;
  onProgress?: (message: string) => void;
}

export interface StoppedProcess {
  what: string; // controller, agent-1, sim-1 ...
  pid: number;
  signal: 'SIGTERM' | 'SIGKILL' | null; // null: it was already gone
}

export interface LocalDownReport {
  home: string;
  wasRunning: boolean;
  environments: { id: string; workflow: string; state: string; destroyed: boolean; error?: ErrorDetailLike }[];
  stopped: StoppedProcess[];
  /** found by the /proc scan after the services stopped, and killed */
  leftovers: { pid: number; command: string; reason: string }[];
  /** pids still alive at the end (should be none) */
  remaining: number[];
  durationMs: number;
}

async function stopOne(what: string, pid: number, graceMs: number): Promise<StoppedProcess> {
  if (!isAlive(pid)) return { what, pid, signal: null };
  const killed = await stopGroups([pid], graceMs);
  return { what, pid, signal: killed.length ? 'SIGKILL' : 'SIGTERM' };
}

export async function localDown(opts: LocalDownOptions): Promise<LocalDownReport> {
  const t0 = Date.now();
  const home = path.resolve(opts.home);
  const say = opts.onProgress ?? (() => {});
  const state = readState(home);
  const report: LocalDownReport = {
    home,
    wasRunning: !!state,
    environments: [],
    stopped: [],
    leftovers: [],
    remaining: [],
    durationMs: 0,
  };
  const recorded = state ? statePids(state) : [];

  if (state) {
    // 1. environments: destroy each (the controller's graded kill of its tasks)
    let ctlPid = 0;
    const c = connectControl(state.controller.address, { token: state.token, client: 'cli' });
    try {
      const info = await c.call('getInfo', {}, 3000);
      ctlPid = info.pid;
      const envs = (await c.call('listEnvironments', {}, 10_000)).environments;
      if (envs.length) say(`destroying ${envs.length} environment${envs.length === 1 ? '' : 's'}`);
      report.environments = await Promise.all(
        envs.map(async (e) => {
          const r = { id: e.id, workflow: e.workflow, state: e.state, destroyed: false } as LocalDownReport['environments'][number];
          try {
            await c.call('destroyEnvironment', { id: e.id, force: false }, 60_000);
            r.destroyed = true;
          } catch (err) {
            try {
              await c.call('destroyEnvironment', { id: e.id, force: true }, 15_000);
              r.destroyed = true;
            } catch {
              r.error = toBatonError(err).detail;
            }
          }
          return r;
        }),
      );
    } catch (e) {
      say(`the controller does not answer (${toBatonError(e).message}): stopping processes directly`);
    } finally {
      c.close();
    }

    // 2. agents (their tasks, if any survive, are swept below), then 3. the controller
    const agents = [
      ...state.agents.map((a) => ({ what: a.name, pid: a.pid })),
      ...state.simAgents.map((s, i) => ({ what: `sim-agents-${i + 1}`, pid: s.pid })),
    ];
    if (agents.length) say(`stopping ${agents.length} agent process${agents.length === 1 ? '' : 'es'}`);
    report.stopped.push(...(await Promise.all(agents.map((a) => stopOne(a.what, a.pid, 5000)))));
    if (state.cluster) {
      // a cluster's controllers, then the etcd they share (its data goes with the stack)
      say(`stopping ${state.cluster.controllers.length} controllers and etcd`);
      report.stopped.push(...(await Promise.all(state.cluster.controllers.map((c) => stopOne(c.name, c.pid, 5000)))));
      report.stopped.push(await stopOne('etcd', state.cluster.etcd.pid, 5000));
      fs.rmSync(state.cluster.etcd.dataDir, { recursive: true, force: true });
    } else {
      say('stopping the controller');
      report.stopped.push(await stopOne('controller', state.controller.pid, 5000));
    }
    // a controller restarted by hand on the same socket is not the recorded pid
    if (ctlPid > 0 && !state.cluster && ctlPid !== state.controller.pid && ctlPid !== process.pid) {
      report.stopped.push(await stopOne('controller (restarted)', ctlPid, 5000));
    }
  }

  // 4. the sweep: whatever of this home is still alive
  for (let round = 0; round < 3; round++) {
    const left = findLeftovers(home, recorded);
    if (!left.length) break;
    if (round === 0) say(`killing ${left.length} leftover process${left.length === 1 ? '' : 'es'}`);
    for (const l of left) {
      report.leftovers.push({ pid: l.proc.pid, command: l.proc.argv.join(' ').slice(0, 200), reason: l.reason });
      killGroup(l.proc.pid, 'SIGTERM');
    }
    const stubborn = await waitGone(
      left.map((l) => l.proc.pid),
      1000,
    );
    for (const p of stubborn) {
      killGroup(p, 'SIGKILL');
      if (isAlive(p)) process.kill(p, 'SIGKILL');
    }
    await waitGone(stubborn, 2000);
  }
  report.remaining = [...recorded.filter(isAlive), ...findLeftovers(home, recorded).map((l) => l.proc.pid)];

  removeState(home);
  clearRuntimeFiles(home);
  report.durationMs = Date.now() - t0;
  return report;
}
