// What a follower serves on the controller's address: every Control method, unary or stream,
// refused with NOT_LEADER naming the leader (data.leader; '' while none is elected). A follower
// holds no state (it has restored nothing), so it serves no reads either: clients given every
// address (rpc/leader-client.ts) go to the leader. The refusal says only where the leader is, so
// it is given before any token check.
import * as grpc from '@grpc/grpc-js';
import { BatonError } from '../../model/errors.js';
import { toServiceError } from '../../rpc/errors.js';
import { ControlService } from '../../rpc/gen/control.js';
import { CONTROL_SERVER_OPTIONS } from '../server/index.js';

export function notLeader(self: string, leader: string): BatonError {
  return leader
    ? new BatonError('NOT_LEADER', `controller ${self} is a follower; the leader is ${leader}`, { where: 'controller', data: { leader } })
    : new BatonError('NOT_LEADER', `controller ${self} is a follower and no leader is elected yet`, { where: 'controller', data: { leader: '' } });
}

export function followerServer(self: () => string, leader: () => string): grpc.Server {
  const server = new grpc.Server(CONTROL_SERVER_OPTIONS);
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const [name, definition] of Object.entries(ControlService)) {
    handlers[name] = definition.responseStream
      ? (call: grpc.ServerWritableStream<unknown, unknown>) => call.emit('error', toServiceError(notLeader(self(), leader())))
      : (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(toServiceError(notLeader(self(), leader())));
  }
  server.addService(ControlService, handlers);
  return server;
}

/** What the follower served, removed: the leader adds its own services to the same server. */
export function endFollowing(server: grpc.Server): void {
  server.removeService(ControlService);
}
