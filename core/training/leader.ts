// Fail-over in a walkthrough: a stack that runs its controllers as a cluster (`stack.controllers`,
// `baton local up --training --controllers N`), the fault that kills its leader (kill_leader), and
// the live view of who leads (the `leader` condition, the {{leader}} placeholder). Which controller
// leads is what the leader itself says (GetInfo's pid, through the connection that follows the
// leader) matched to the local stack's record of its controllers (controller-1 ... controller-N).
import { BatonError } from '../model/errors.js';
import { isAlive } from '../local/procs.js';
import { readState } from '../local/state.js';
import type { ControlConnection } from '../rpc/control-client.js';
import type { Condition, Walkthrough } from './types.js';

export interface ClusterView {
  /** the leading controller's name (controller-N), '' while none answers */
  leader: string;
  /** the controller that led when the walkthrough began */
  firstLeader: string;
  /** the other controllers alive */
  followers: number;
}

/** Refuses a walkthrough that needs a cluster on a stack that is not one, saying how to start one. */
export function assertClusterStack(w: Walkthrough, home: string): void {
  const wanted = w.stack.controllers ?? 1;
  if (wanted < 2) return;
  const have = readState(home)?.cluster?.controllers.length ?? 1;
  if (have < wanted) {
    throw new BatonError(
      'BAD_INPUT',
      `walkthrough ${w.id} needs a stack of ${wanted} controllers and the one in ${home} runs ${have}: baton local down, then baton local up --training --controllers ${wanted}`,
      { where: 'stack.controllers' },
    );
  }
}

/** The names of the local cluster's controllers by pid (empty: the stack is no cluster). */
function controllersOf(home: string): { name: string; pid: number }[] {
  return readState(home)?.cluster?.controllers ?? [];
}

/** The leader's pid (GetInfo through the connection that follows the leader) and which of `controllers` it is. */
async function leaderAmong(
  control: ControlConnection,
  controllers: { name: string; pid: number }[],
): Promise<{ pid: number; leader?: { name: string; pid: number } }> {
  const info = await control.call('getInfo', {});
  return { pid: info.pid, leader: controllers.find((c) => c.pid === info.pid) };
}

/** Who leads the local cluster of `home` now, asked through the connection that follows the leader. */
export async function clusterView(control: ControlConnection, home: string, firstLeader: string): Promise<ClusterView> {
  const controllers = controllersOf(home);
  const found = await leaderAmong(control, controllers);
  const leader = found.leader?.name ?? `pid ${found.pid}`;
  const followers = controllers.filter((c) => c.name !== leader && isAlive(c.pid)).length;
  return { leader, firstLeader: firstLeader || leader, followers };
}

/** kill -9 of the controller that leads now; a follower takes over after the lease (3 s) */
export async function killLeader(control: ControlConnection, home: string): Promise<string> {
  const controllers = controllersOf(home);
  if (!controllers.length) {
    throw new BatonError('BAD_INPUT', `the stack in ${home} is no cluster: kill_leader needs baton local up --training --controllers 3`, {
      where: 'kill_leader',
    });
  }
  const { pid, leader } = await leaderAmong(control, controllers);
  if (!leader) throw new BatonError('NOT_FOUND', `the leader (pid ${pid}) is none of the controllers local up started in ${home}`, { where: 'kill_leader' });
  process.kill(leader.pid, 'SIGKILL');
  return leader.name;
}

/** whether a `leader` condition holds on this view (false on a stack that is no cluster) */
export function leaderHolds(c: Extract<Condition, { leader: unknown }>, cluster: ClusterView | undefined): boolean {
  if (!cluster?.leader) return false;
  if (c.leader.changed !== undefined && (cluster.leader !== cluster.firstLeader) !== c.leader.changed) return false;
  if (c.leader.followers !== undefined && cluster.followers !== c.leader.followers) return false;
  return true;
}

export function describeLeader(c: Extract<Condition, { leader: unknown }>): string {
  const parts = [
    c.leader.changed === undefined ? '' : c.leader.changed ? 'another controller leading' : 'the same controller leading',
    c.leader.followers === undefined ? '' : `${c.leader.followers} follower${c.leader.followers === 1 ? '' : 's'} alive`,
  ];
  return parts.filter(Boolean).join(', ');
}

/** whether a walkthrough's steps use a cluster's fault or condition (lint: the stack must be one) */
export function usesCluster(w: Pick<Walkthrough, 'steps'>): boolean {
  const inCondition = (c: Condition): boolean => 'leader' in c || ('all' in c && c.all.some(inCondition)) || ('any' in c && c.any.some(inCondition));
  return w.steps.some(
    (s) =>
      inCondition(s.done) ||
      (s.faults ?? []).some((f) => 'kill_leader' in f) ||
      s.trainee.some((a) => ('wait_for' in a && inCondition(a.wait_for)) || ('answer' in a && /\{\{\s*leader\s*\}\}/.test(a.answer))),
  );
}
