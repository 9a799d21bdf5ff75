// Control RPCs about the controller as a whole: info, runs, the event stream.
import type { ControlServer, EventBatch, GetInfoRequest, Info, ListRunsReply, ListRunsRequest, SubscribeRequest } from '../../rpc/gen/control.js';
import type { ControllerCore } from '../core.js';
import { runToProto } from '../convert.js';
import { serveSubscribe } from '../events/subscribe.js';
import { serverStream, unary } from './wrap.js';
import { loopLag, resetLoopLag, startLoopLag } from './loop-lag.js';

export const VERSION = '0.1.0';

export function infoHandlers(controller: ControllerCore): Pick<ControlServer, 'getInfo' | 'listRuns' | 'subscribe'> {
  startLoopLag();
  return {
    getInfo: unary<GetInfoRequest, Info>(controller, async (req) => {
      const lag = loopLag();
      if (req.resetLoopLag) resetLoopLag();
      return {
        controllerId: controller.id,
        version: VERSION,
        startedMs: controller.startedMs,
        nodesUp: controller.nodes.upCount(),
        nodesTotal: controller.nodes.byName.size,
        environments: controller.envs.size,
        lastEventSeq: controller.events.lastSeq,
        lastRunNumber: await controller.store.lastRunNumber(),
        store: controller.store.describe,
        pid: process.pid,
        loopLagP99Ms: lag.p99Ms,
        loopLagMaxMs: lag.maxMs,
        loopLagSinceMs: lag.sinceMs,
        eventSinks: controller.eventSinks?.status() ?? [],
        training: controller.cfg.training,
      };
    }),

    listRuns: unary<ListRunsRequest, ListRunsReply>(controller, async (req) => ({
      runs: (await controller.store.listRuns({ envId: req.envId || undefined, limit: req.limit || undefined })).map(runToProto),
    })),

    subscribe: serverStream<SubscribeRequest, EventBatch>(controller, (_req, call) =>
      serveSubscribe(controller.events, controller.store, call, { maxQueued: controller.cfg.subscriberMaxQueued }),
    ),
  };
}
