// The live connection: the event stream (Subscribe over the gateway's WebSocket), applied to the
// store in coalesced batches (one store update per flush, not per event), reconnecting by itself
// with backoff and resuming after the last seq seen. Also the slow polls (nodes for the charts,
// open environments for cpu/memory and channel rates, which events do not carry).
import type { Event } from '../../../core/rpc/gen/control.js';
import { call } from '../api/client.js';
import { desktop } from '../api/desktop.js';
import { openStream, type StreamHandle } from '../api/stream.js';
import type { ConsoleStore } from '../store/store.js';
import type { Effect } from '../store/types.js';
import type { Sync } from './sync.js';

export const FLUSH_MS = 100;
/** how many past events a fresh page replays for its timeline */
export const REPLAY_EVENTS = 500;

export interface LiveOptions {
  flushMs?: number;
  nodesPollMs?: number;
  envPollMs?: (taskCount: number) => number;
}

export function startLive(store: ConsoleStore, sync: Sync, opts: LiveOptions = {}): () => void {
  const flushMs = opts.flushMs ?? FLUSH_MS;
  let stream: StreamHandle | null = null;
  let queue: Event[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let attempt = 0;
  const st = () => store.getState();

  const runEffects = (effects: Effect[]) => {
    for (const e of effects) {
      if (e.kind === 'refreshEnvs') void sync.envs();
      else if (e.kind === 'refreshRuns') void sync.runs();
      else if (e.kind === 'refreshNodes') void sync.nodes();
      else if (e.kind === 'refreshEnv') {
        if (sync.watched(e.envId)) void sync.env(e.envId);
      } else if (e.kind === 'notify') {
        st().notify(e.notice);
        const d = desktop();
        if (d) void d.notify(e.notice.title, e.notice.body).catch(() => {});
        else if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.hidden) {
          try {
            new Notification(e.notice.title, { body: e.notice.body });
          } catch {
            /* not allowed here */
          }
        }
      }
    }
  };

  const flush = () => {
    flushTimer = null;
    const batch = queue;
    queue = [];
    runEffects(st().applyEvents(batch));
  };

  const scheduleRetry = (reason: string) => {
    stream?.close();
    stream = null;
    if (stopped) return;
    attempt += 1;
    const delay = Math.min(10_000, 500 * 2 ** Math.min(attempt - 1, 5));
    st().setConnection({ status: 'reconnecting', attempt, reason, sinceMs: Date.now() });
    retryTimer = setTimeout(() => void connect(), delay);
  };

  const connect = async () => {
    if (stopped) return;
    let fromSeq = st().lastSeq;
    let replayAll = false;
    try {
      const info = await call('GetInfo', {});
      st().setInfo(info);
      if (fromSeq === 0) {
        if (info.lastEventSeq > REPLAY_EVENTS) fromSeq = info.lastEventSeq - REPLAY_EVENTS;
        else replayAll = info.lastEventSeq > 0;
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'UNAUTHENTICATED') {
        st().setConnection({ status: 'unauthenticated', reason: (e as Error).message, sinceMs: Date.now() });
        return;
      }
      scheduleRetry((e as Error).message);
      return;
    }
    if (stopped) return;
    const resumed = attempt > 0;
    stream = openStream(
      'Subscribe',
      { fromSeq, replayAll },
      {
        onOpen: () => {
          attempt = 0;
          st().setConnection({ status: 'live', attempt: 0, reason: undefined, sinceMs: Date.now() });
          // state may have moved on while we were away (events resume from lastSeq, lists are refetched)
          void sync.envs();
          void sync.nodes();
          if (resumed) void sync.runs();
        },
        onMessage: (b) => {
          if (!b.events.length) return;
          for (const ev of b.events) queue.push(ev);
          flushTimer ??= setTimeout(flush, flushMs);
        },
        onEnd: () => scheduleRetry('the event stream ended'),
        onError: (e) => scheduleRetry(e.message),
      },
    );
  };

  st().setConnection({ status: 'connecting', sinceMs: Date.now() });
  void connect();

  const nodesTimer = setInterval(() => {
    if (st().connection.status === 'live') void sync.nodes();
  }, opts.nodesPollMs ?? 3000);
  // open environments: tasks' cpu/memory (the task table refetches its rows after each) and channel
  // rates come by polling; bigger ones less often
  let envTick = 0;
  const envTimer = setInterval(() => {
    envTick += 1;
    if (st().connection.status !== 'live') return;
    for (const [id, env] of st().envs) {
      if (!sync.watched(id)) continue;
      const size = env.counts?.total ?? 0;
      const every = Math.max(1, Math.round((opts.envPollMs?.(size) ?? Math.max(2000, size * 0.5)) / 1000));
      if (envTick % every === 0) void sync.env(id);
    }
  }, 1000);

  return () => {
    stopped = true;
    stream?.close();
    if (flushTimer) clearTimeout(flushTimer);
    if (retryTimer) clearTimeout(retryTimer);
    clearInterval(nodesTimer);
    clearInterval(envTimer);
  };
}
