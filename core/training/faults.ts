// The faults a walkthrough injects. Only on a controller started for training (GetInfo.training:
// `baton local up --training`), so that no walkthrough can hurt a production farm; the agent
// faults also need the local stack's own record of its agents (they signal its processes).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError, toBatonError } from '../model/errors.js';
import type { ControlConnection } from '../rpc/control-client.js';
import { readState } from '../local/state.js';
import { localUp } from '../local/up.js';
import { parseDuration } from '../workflow/units.js';
import { connectControl } from '../rpc/control-client.js';
import { nodeNameOf, taskOf } from './conditions.js';
import { agentLogsDir, fillLogDisk, freeLogDisk, unmountLogDisk } from './log-disk.js';
import type { LiveView } from './live.js';
import type { FaultSpec } from './types.js';
import { killLeader } from './leader.js';

export interface FaultTarget {
  control: ControlConnection;
  /** the local stack's home: agent faults signal its agents */
  home: string;
  /** where fail_hook writes the flag the training workflows' hooks test */
  flagsDir: string;
}

export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new BatonError('BAD_INPUT', `not a duration: ${JSON.stringify(text)}`, { where: 'walkthrough' });
  return ms;
}

/** Refuses, naming why, unless the controller runs for training. */
export async function assertTrainingStack(control: ControlConnection): Promise<void> {
  const info = await control.call('getInfo', {});
  if (!info.training) {
    throw new BatonError(
      'PERMISSION_DENIED',
      `controller ${info.controllerId} is not a training stack: walkthroughs inject faults only where the controller was started for training (baton local up --training)`,
      { where: 'controller' },
    );
  }
}

function agentPid(home: string, node: string): number {
  const s = readState(home);
  const agent = s?.agents.find((a) => a.name === node);
  if (!agent)
    throw new BatonError('NOT_FOUND', `node ${node} is not an agent of the local stack in ${home}: agent faults need a local training stack`, { where: node });
  return agent.pid;
}

function nodeOf(view: LiveView, role: string): string {
  const node = nodeNameOf(view, role);
  if (!node) throw new BatonError('NOT_FOUND', `no task ${role} placed in environment ${view.env.id}`, { where: role });
  return node;
}

function controllerPid(home: string): number {
  const s = readState(home);
  if (!s) throw new BatonError('NOT_FOUND', `no local stack in ${home}: kill_controller needs a local training stack`, { where: 'kill_controller' });
  return s.controller.pid;
}

/** The hold taken by a colleague: that user (an expert, added when missing) takes the environment. */
async function takeHoldAs(target: FaultTarget, envId: string, user: string, reason: string): Promise<void> {
  const issued = await target.control.call('addUser', { name: user, role: 'expert' }).catch(async (e) => {
    if (toBatonError(e).code !== 'BAD_INPUT' && !/exists/.test(String((e as Error).message))) throw e;
    return target.control.call('newUserToken', { name: user });
  });
  const colleague = connectControl(target.control.address, { token: issued.token });
  try {
    await colleague.call('takeEnvironment', { id: envId, reason });
  } finally {
    colleague.close();
  }
}

/** A short line for the report and the terminal. */
export function describeFault(f: FaultSpec): string {
  if ('kill_task' in f) return `kill -9 task ${f.kill_task.role}`;
  if ('stop_agent' in f) return `stop the agent of ${f.stop_agent.of} for ${f.stop_agent.for}`;
  if ('kill_agent' in f) return `kill -9 the agent of ${f.kill_agent.of}, back after ${f.kill_agent.back_after}`;
  if ('fail_hook' in f) return `make hook ${f.fail_hook.hook} fail`;
  if ('kill_controller' in f) return 'kill -9 the controller';
  if ('kill_leader' in f) return 'kill -9 the leading controller';
  if ('take_hold' in f) return `${f.take_hold.user} takes the environment's hold`;
  if ('fill_log_disk' in f) return `fill the log disk of the node of ${f.fill_log_disk.of}`;
  if ('free_log_disk' in f) return `free the log disk of the node of ${f.free_log_disk.of}`;
  return `let hook ${f.clear_hook.hook} pass again`;
}

/** Injects one fault; resolves when it has been applied (a stop or an agent's return goes on in the background). */
export async function inject(f: FaultSpec, view: LiveView, target: FaultTarget, background: Promise<void>[]): Promise<{ killedTask?: string }> {
  if ('kill_task' in f) {
    const t = taskOf(view, f.kill_task.role);
    if (!t) throw new BatonError('NOT_FOUND', `no task ${f.kill_task.role} in environment ${view.env.id}`, { where: f.kill_task.role });
    await target.control.call('killTask', { id: t.id, signal: 'SIGKILL' });
    return { killedTask: t.id };
  }
  if ('stop_agent' in f) {
    const pid = agentPid(target.home, nodeOf(view, f.stop_agent.of));
    process.kill(pid, 'SIGSTOP');
    background.push(
      new Promise<void>((resolve) =>
        setTimeout(() => {
          try {
            process.kill(pid, 'SIGCONT');
          } catch {
            /* gone */
          }
          resolve();
        }, durationMs(f.stop_agent.for)),
      ),
    );
    return {};
  }
  if ('kill_agent' in f) {
    const pid = agentPid(target.home, nodeOf(view, f.kill_agent.of));
    process.kill(pid, 'SIGKILL');
    const back = durationMs(f.kill_agent.back_after);
    // `local up` on the same home restarts what died, as it was
    background.push(new Promise<void>((r) => setTimeout(r, back)).then(() => localUp({ home: target.home }).then(() => undefined)));
    return {};
  }
  if ('kill_controller' in f) {
    // not brought back: the trainee repairs the stack (baton local up)
    process.kill(controllerPid(target.home), 'SIGKILL');
    return {};
  }
  if ('kill_leader' in f) {
    // not brought back: a follower takes over, the trainee repairs the dead one (baton local up)
    await killLeader(target.control, target.home);
    return {};
  }
  if ('take_hold' in f) {
    await takeHoldAs(target, view.env.id, f.take_hold.user, f.take_hold.reason ?? 'training: the previous shift holds it');
    return {};
  }
  if ('fill_log_disk' in f) {
    fillLogDisk(agentLogsDir(target.home, nodeOf(view, f.fill_log_disk.of)), f.fill_log_disk.size);
    return {};
  }
  if ('free_log_disk' in f) {
    freeLogDisk(agentLogsDir(target.home, nodeOf(view, f.free_log_disk.of)));
    return {};
  }
  if ('clear_hook' in f) {
    fs.rmSync(path.join(target.flagsDir, `${view.env.id}-${f.clear_hook.hook}`), { force: true });
    return {};
  }
  fs.mkdirSync(target.flagsDir, { recursive: true });
  fs.writeFileSync(path.join(target.flagsDir, `${view.env.id}-${f.fail_hook.hook}`), 'fail\n');
  return {};
}

/** Removes the hook flags of an environment (the walkthrough's end, or the next step). */
export function clearHookFlags(flagsDir: string, envId: string): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(flagsDir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(`${envId}-`)) fs.rmSync(path.join(flagsDir, n), { force: true });
}

/** Unmounts the full log disks a walkthrough made (its end, whatever happened). */
export function clearLogDisks(home: string, nodes: Iterable<string>): void {
  for (const n of nodes) unmountLogDisk(agentLogsDir(home, n));
}
