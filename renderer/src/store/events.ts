// Applying a batch of events to the state: pure, incremental (copy-on-write per map, per changed
// object), so unchanged tasks keep their identity and their rows do not re-render.
import type { Environment, Event, Task } from '../../../core/rpc/gen/control.js';
import { formatError } from '../../../core/model/errors.js';
import { detailFromWire } from '../api/errors.js';
import { isAnswered, mergeProgress } from './progress.js';
import { addReaps, reapsFromDestroyed, settleNode } from './reaps.js';
import type { DataState, Effect, Progress } from './types.js';

export const EVENT_CAP = 5000;

export type EventSlice = Pick<
  DataState,
  'envs' | 'envTaskIds' | 'tasks' | 'progress' | 'transitionsAnswered' | 'transitionsEnded' | 'events' | 'lastSeq' | 'nodes' | 'awaitingReap'
>;

export interface ApplyOptions {
  /** events older than this are history (replayed): they update state but never notify */
  liveSinceMs: number;
  cap?: number;
}

/** Copy-on-write wrapper: the first write copies the map; later writes go to the copy. */
class Cow<K, V> {
  private copy: Map<K, V> | null = null;
  constructor(private readonly base: Map<K, V>) {}
  get(k: K): V | undefined {
    return (this.copy ?? this.base).get(k);
  }
  has(k: K): boolean {
    return (this.copy ?? this.base).has(k);
  }
  set(k: K, v: V): void {
    (this.copy ??= new Map(this.base)).set(k, v);
  }
  delete(k: K): void {
    if (this.has(k)) (this.copy ??= new Map(this.base)).delete(k);
  }
  result(): Map<K, V> {
    return this.copy ?? this.base;
  }
  changed(): boolean {
    return this.copy !== null;
  }
}

function num(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function applyEvents(s: EventSlice, batch: readonly Event[], opts: ApplyOptions): { next: Partial<EventSlice>; effects: Effect[] } {
  const envs = new Cow(s.envs);
  const tasks = new Cow(s.tasks);
  const progress = new Cow(s.progress);
  /** copied on the first end or begin event that changes it */
  let ended: Set<string> | undefined;
  const nodes = new Cow(s.nodes);
  let envTaskIds = s.envTaskIds;
  let awaitingReap = s.awaitingReap;
  const effects: Effect[] = [];
  const want = new Set<string>();
  const fresh: Event[] = [];
  let lastSeq = s.lastSeq;

  const patchEnv = (id: string, f: (e: Environment) => Environment) => {
    const e = envs.get(id);
    if (e) envs.set(id, f(e));
  };
  // The page holds a window of an environment's tasks (the rows on screen): those follow the
  // events; the environment's counts come from the server (refetched, throttled, for a watched
  // environment), never moved here: the page does not know the old state of a task it does not
  // hold, and moving counts taken from a snapshot that already had an event counted it twice.
  const patchTask = (ev: Event, f: (t: Task) => Task) => {
    if (ev.envId) want.add(`env:${ev.envId}`);
    const t = tasks.get(ev.taskId);
    if (t) tasks.set(t.id, f(t));
  };

  for (const ev of batch) {
    if (ev.seq > 0 && ev.seq <= lastSeq) continue; // already applied (a replay overlapping what we saw)
    if (ev.seq > lastSeq) lastSeq = ev.seq;
    fresh.push(ev);
    const live = ev.timeMs >= opts.liveSinceMs;
    switch (ev.kind) {
      case 'env.created':
        if (!envs.has(ev.envId)) {
          envs.set(ev.envId, {
            id: ev.envId,
            name: ev.data.name ?? '',
            workflow: ev.data.workflow ?? '',
            state: ev.state || 'STANDBY',
            runNumber: undefined,
            owner: ev.data.owner ?? '',
            runType: ev.data.run_type ?? '',
            createdMs: ev.timeMs,
            updatedMs: ev.timeMs,
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
            holder: ev.data.holder ?? '',
            heldSinceMs: ev.data.holder ? ev.timeMs : 0,
            claimedDetectors: [],
            claimedNodes: [],
          });
        }
        want.add('envs');
        break;
      case 'env.hold':
        // taken over, released, or taken by the first user who drove a free one
        patchEnv(ev.envId, (e) => ({ ...e, holder: ev.data.holder ?? '', heldSinceMs: ev.data.holder ? ev.timeMs : 0 }));
        want.add(`env:${ev.envId}`);
        break;
      case 'env.state': {
        const prev = envs.get(ev.envId);
        patchEnv(ev.envId, (e) => ({
          ...e,
          state: ev.state || e.state,
          runNumber: ev.state === 'RUNNING' ? ev.runNumber || e.runNumber : undefined,
          error: ev.state === 'ERROR' ? (ev.error ?? e.error) : undefined,
          updatedMs: ev.timeMs,
        }));
        // The event says what the environment left (data.from): a refetch racing ahead of this event
        // may already show ERROR, and must not swallow the notice. An update of the reason while
        // already in ERROR carries no 'from' and does not notify again.
        const from = ev.data.from;
        const entersError = from !== undefined ? from !== 'ERROR' : prev?.state !== 'ERROR';
        if (ev.state === 'ERROR' && live && entersError) {
          const d = ev.error ? detailFromWire(ev.error) : undefined;
          effects.push({
            kind: 'notify',
            notice: {
              level: 'error',
              envId: ev.envId,
              timeMs: ev.timeMs,
              title: `Environment ${prev?.name || ev.envId} is in ERROR`,
              body: d ? formatError(d) : ev.message || 'see the environment page',
            },
          });
        }
        want.add('envs');
        break;
      }
      case 'env.transition': {
        const phase = ev.data.phase ?? '';
        // older than the answer this page already showed: its progress would bring the bar back
        if (isAnswered(s.transitionsAnswered, ev)) {
          if (phase === 'end') patchEnv(ev.envId, (e) => ({ ...e, transition: '' }));
          break;
        }
        // an EXIT whose tasks' agent was away names them: awaiting reaping like a destroy's
        if (ev.data.awaitingReap)
          awaitingReap = addReaps(
            awaitingReap,
            reapsFromDestroyed(ev, (id) => tasks.get(id)),
          );
        if (phase === 'end') {
          progress.delete(ev.envId);
          ended ??= new Set(s.transitionsEnded);
          ended.add(ev.envId);
          patchEnv(ev.envId, (e) => ({ ...e, transition: '' }));
          want.add(`env:${ev.envId}`);
        } else {
          if (phase === 'begin' && (ended ?? s.transitionsEnded).has(ev.envId)) {
            ended ??= new Set(s.transitionsEnded);
            ended.delete(ev.envId);
          }
          const old = progress.get(ev.envId);
          const p: Progress = {
            transition: ev.transition || old?.transition || '',
            phase: ev.data.step ?? ev.data.stage ?? phase,
            done: num(ev.data.done) ?? (phase === 'begin' ? 0 : (old?.done ?? 0)),
            total: num(ev.data.total) ?? old?.total ?? 0,
            startedMs: phase === 'begin' || !old ? ev.timeMs : old.startedMs,
          };
          progress.set(ev.envId, mergeProgress(old, p));
          if (phase === 'begin') patchEnv(ev.envId, (e) => ({ ...e, transition: p.transition }));
        }
        break;
      }
      case 'env.destroyed':
        awaitingReap = addReaps(
          awaitingReap,
          reapsFromDestroyed(ev, (id) => tasks.get(id)),
        );
        envs.delete(ev.envId);
        progress.delete(ev.envId);
        for (const id of envTaskIds.get(ev.envId) ?? []) tasks.delete(id);
        if (envTaskIds.has(ev.envId)) {
          envTaskIds = new Map(envTaskIds);
          envTaskIds.delete(ev.envId);
        }
        want.add('envs');
        break;
      case 'task.state':
        patchTask(ev, (t) => ({ ...t, state: ev.state || t.state, error: ev.state === 'ERROR' ? (ev.error ?? t.error) : t.error }));
        break;
      case 'task.exit':
        patchTask(ev, (t) => ({
          ...t,
          state: ev.state || t.state,
          exit: { exited: true, code: num(ev.data.code) ?? -1, signal: ev.data.signal ?? '', timeMs: ev.timeMs },
          error: ev.error ?? t.error,
        }));
        break;
      case 'task.lost':
        patchTask(ev, (t) => ({ ...t, lost: true, state: ev.state || t.state }));
        break;
      case 'run.start':
        patchEnv(ev.envId, (e) => ({ ...e, runNumber: ev.runNumber || e.runNumber }));
        want.add('runs');
        break;
      case 'run.stop':
        want.add('runs');
        break;
      case 'node.up':
      case 'node.down':
      case 'node.back': {
        const n = nodes.get(ev.node);
        if (n) nodes.set(ev.node, { ...n, up: ev.kind !== 'node.down', suspect: false, suspectSinceMs: 0 });
        if (live && ev.kind === 'node.back') {
          effects.push({ kind: 'notify', notice: { level: 'success', timeMs: ev.timeMs, title: `Node ${ev.node} is back`, body: ev.message } });
        }
        want.add('nodes');
        break;
      }
      case 'node.suspect': {
        // its agent went silent: SUSPECT for the grace (its tasks unreachable), not DOWN
        const n = nodes.get(ev.node);
        if (n) nodes.set(ev.node, { ...n, up: false, suspect: true, suspectSinceMs: n.suspectSinceMs || ev.timeMs });
        // stays until dismissed: its tasks are lost when the grace runs out
        if (live) effects.push({ kind: 'notify', notice: { level: 'error', timeMs: ev.timeMs, title: `Node ${ev.node} is SUSPECT`, body: ev.message } });
        want.add('nodes');
        break;
      }
      case 'node.reaped':
        awaitingReap = settleNode(awaitingReap, ev.node);
        want.add('nodes');
        break;
      case 'node.refused':
        if (live)
          effects.push({ kind: 'notify', notice: { level: 'error', timeMs: ev.timeMs, title: `Node ${ev.node} refused this controller`, body: ev.message } });
        want.add('nodes');
        break;
      case 'node.takeover':
        want.add('nodes');
        break;
      case 'env.degraded': {
        // data.nodes: the SUSPECT nodes still holding its tasks (empty once every one is back)
        const unreachableNodes = (ev.data.nodes ?? '').split(',').filter(Boolean);
        patchEnv(ev.envId, (e) => ({ ...e, unreachableNodes, degraded: ev.data.degraded === 'true' || unreachableNodes.length > 0 }));
        want.add(`env:${ev.envId}`);
        break;
      }
      case 'env.exclude':
      case 'env.include':
      case 'env.divergence':
      case 'task.restart':
        want.add(`env:${ev.envId}`);
        break;
      default:
        break;
    }
  }

  for (const w of want) {
    if (w === 'envs') effects.push({ kind: 'refreshEnvs' });
    else if (w === 'runs') effects.push({ kind: 'refreshRuns' });
    else if (w === 'nodes') effects.push({ kind: 'refreshNodes' });
    else effects.push({ kind: 'refreshEnv', envId: w.slice(4) });
  }

  const next: Partial<EventSlice> = { lastSeq };
  if (envs.changed()) next.envs = envs.result();
  if (tasks.changed()) next.tasks = tasks.result();
  if (progress.changed()) next.progress = progress.result();
  if (nodes.changed()) next.nodes = nodes.result();
  if (envTaskIds !== s.envTaskIds) next.envTaskIds = envTaskIds;
  if (awaitingReap !== s.awaitingReap) next.awaitingReap = awaitingReap;
  if (ended) next.transitionsEnded = ended;
  if (fresh.length) {
    const cap = opts.cap ?? EVENT_CAP;
    const all = s.events.length + fresh.length > cap ? s.events.concat(fresh).slice(-cap) : s.events.concat(fresh);
    next.events = all;
  }
  return { next, effects };
}
