// Applies the limits table (limits.ts) to every Control handler: a request over a limit is
// answered BAD_INPUT before its handler runs. The caller is authenticated first, so that an
// unauthenticated caller learns nothing but UNAUTHENTICATED (the guard refuses it).
import type * as grpc from '@grpc/grpc-js';
import { authenticate } from '../auth/authenticate.js';
import { toServiceError } from '../../rpc/errors.js';
import { ControlService, type ControlServer } from '../../rpc/gen/control.js';
import type { ControllerCore } from '../core.js';
import { checkRequest, requestMessageOf } from './limits.js';

type AnyHandler = (call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>, callback?: grpc.sendUnaryData<unknown>) => void;

export function withLimits(controller: ControllerCore, handlers: ControlServer): ControlServer {
  const out: Record<string, AnyHandler> = {};
  for (const [method, handler] of Object.entries(handlers) as [string, AnyHandler][]) {
    const definition = (ControlService as Record<string, { path: string; responseStream: boolean }>)[method];
    if (!definition) {
      out[method] = handler;
      continue;
    }
    const messageName = requestMessageOf(definition.path);
    out[method] = (call, callback) => {
      if (authenticates(controller, call)) {
        try {
          checkRequest(messageName, call.request);
        } catch (e) {
          if (callback) callback(toServiceError(e));
          else {
            try {
              call.emit('error', toServiceError(e));
            } catch {
              /* the call is gone */
            }
          }
          return;
        }
      }
      handler(call, callback);
    };
  }
  return out as unknown as ControlServer;
}

function authenticates(controller: ControllerCore, call: Parameters<typeof authenticate>[1]): boolean {
  try {
    authenticate(controller, call);
    return true;
  } catch {
    return false;
  }
}
