// Control RPCs about the controller as a whole: info, runs, the event stream.
import type {
  ControlServer, EventBatch, GetInfoRequest, Info, ListRunsReply, ListRunsRequest, SubscribeRequest,
} from '../../rpc/gen/control.js';
import type { Ctl } from '../core.js';
import { runToProto } from '../convert.js';
import { serveSubscribe } from '../events/subscribe.js';
import { serverStream, unary } from './wrap.js';

export const VERSION = '0.1.0';

export function infoHandlers(ctl: Ctl): Pick<ControlServer, 'getInfo' | 'listRuns' | 'subscribe'> {
  return {
    getInfo: unary<GetInfoRequest, Info>(ctl, async () => ({
      controllerId: ctl.id, version: VERSION, startedMs: ctl.startedMs, nodesUp: ctl.nodes.upCount(),
      nodesTotal: ctl.nodes.byName.size, environments: ctl.envs.size, lastEventSeq: ctl.events.lastSeq,
      lastRunNumber: await ctl.store.lastRunNumber(), store: ctl.store.describe, pid: process.pid,
    })),

    listRuns: unary<ListRunsRequest, ListRunsReply>(ctl, async (req) => ({
      runs: (await ctl.store.listRuns({ envId: req.envId || undefined, limit: req.limit || undefined })).map(runToProto),
    })),

    subscribe: serverStream<SubscribeRequest, EventBatch>(ctl, (_req, call) =>
      serveSubscribe(ctl.events, ctl.store, call, { maxQueued: ctl.cfg.subscriberMaxQueued })),
  };
}
