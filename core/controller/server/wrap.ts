// Every Control handler goes through these: the token is checked on every call, and any thrown
// value becomes a gRPC status carrying a structured ErrorDetail. Nothing a client sends can crash
// the server.
import type * as grpc from '@grpc/grpc-js';
import { checkToken } from '../../rpc/auth.js';
import { toServiceError } from '../../rpc/errors.js';
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';

function authorize(controller: ControllerCore, md: grpc.Metadata): void {
  if (!checkToken(md, controller.cfg.token)) {
    throw new BatonError('UNAUTHENTICATED', 'missing or wrong token: pass authorization: Bearer <token> (BATON_TOKEN)');
  }
}

export function unary<Req, Res>(
  controller: ControllerCore,
  fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => {
        authorize(controller, call.metadata);
        return fn(call.request, call);
      })
      .then(
        (res) => callback(null, res),
        (e) => callback(toServiceError(e)),
      );
  };
}

export function serverStream<Req, Res>(
  controller: ControllerCore,
  fn: (req: Req, call: grpc.ServerWritableStream<Req, Res>) => Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    Promise.resolve()
      .then(() => {
        authorize(controller, call.metadata);
        return fn(call.request, call);
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
