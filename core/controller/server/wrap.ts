// Every Control handler goes through these: the caller is authenticated on every call (auth/authenticate.ts), and any thrown
// value becomes a gRPC status carrying a structured ErrorDetail. Nothing a client sends can crash
// the server.
import type * as grpc from '@grpc/grpc-js';
import { toServiceError } from '../../rpc/errors.js';
import type { ControllerCore } from '../core.js';
import { authenticate } from '../auth/authenticate.js';
import type { Caller } from '../auth/caller.js';

export function unary<Req, Res>(
  controller: ControllerCore,
  fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>, caller: Caller) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => {
        const caller = authenticate(controller, call);
        return fn(call.request, call, caller);
      })
      .then(
        (res) => callback(null, res),
        (e) => callback(toServiceError(e)),
      );
  };
}

export function serverStream<Req, Res>(
  controller: ControllerCore,
  fn: (req: Req, call: grpc.ServerWritableStream<Req, Res>, caller: Caller) => Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    Promise.resolve()
      .then(() => {
        const caller = authenticate(controller, call);
        return fn(call.request, call, caller);
      })
      .catch((e) => {
        try {
          call.emit('error', toServiceError(e));
        } catch {
          /* the call is gone */
        }
      });
  };
}
