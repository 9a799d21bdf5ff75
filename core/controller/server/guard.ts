// Every Control method passes here before its handler: the caller is authenticated, the rules
// table (auth/rules.ts) is applied, and a mutating call is audited with its outcome, refused
// ones included.
import type * as grpc from '@grpc/grpc-js';
import { toBatonError } from '../../model/errors.js';
import { fromServiceError, toServiceError } from '../../rpc/errors.js';
import type { ControlServer } from '../../rpc/gen/control.js';
import { authenticate } from '../auth/authenticate.js';
import { authorize } from '../auth/authorize.js';
import type { Caller } from '../auth/caller.js';
import { type Method, RULES } from '../auth/rules.js';
import { recordAudit } from '../audit/record.js';
import type { ControllerCore } from '../core.js';
import { observeCall } from '../metrics/calls.js';

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;
type AnyHandler = (call: AnyCall, callback?: grpc.sendUnaryData<unknown>) => void;

export function withGuard(controller: ControllerCore, handlers: ControlServer): ControlServer {
  const out: Record<string, AnyHandler> = {};
  for (const [name, handler] of Object.entries(handlers) as [Method, AnyHandler][]) {
    const rule = RULES[name];
    out[name] = (call, callback) => {
      const refuse = (e: unknown) => {
        const se = toServiceError(e);
        if (callback) callback(se);
        else {
          try {
            call.emit('error', se);
          } catch {
            /* the call is gone */
          }
        }
      };
      const startedMs = Date.now();
      let caller: Caller;
      try {
        caller = authenticate(controller, call);
      } catch (e) {
        observeCall(controller, name, toBatonError(e).detail.code, startedMs, !!callback);
        refuse(e);
        return;
      }
      const audit = (outcome: string, message?: string, reply?: unknown) => {
        observeCall(controller, name, outcome === 'ok' ? 'OK' : outcome, startedMs, !!callback);
        if (rule.mutating) recordAudit(controller, { method: name, caller, request: call.request, outcome, message, reply, startedMs });
      };
      try {
        authorize(controller, name, call.request, caller);
      } catch (e) {
        const err = toBatonError(e);
        audit(err.detail.code, err.message);
        refuse(err);
        return;
      }
      if (callback) {
        handler(call, (err, value) => {
          if (err) {
            const failed = fromServiceError(err);
            audit(failed.detail.code, failed.message);
          } else audit('ok', undefined, value);
          callback(err, value);
        });
      } else {
        let ended = false;
        // the last message written: a ControlEnvironment's final progress says whether it failed
        let last: unknown;
        if (rule.mutating) {
          const stream = call as grpc.ServerWritableStream<unknown, unknown>;
          const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
          stream.write = ((chunk: unknown, ...rest: unknown[]) => {
            last = chunk;
            return write(chunk, ...rest);
          }) as typeof stream.write;
        }
        call.on('error', (err) => {
          if (ended) return;
          ended = true;
          const failed = fromServiceError(err);
          audit(failed.detail.code, failed.message);
        });
        call.on('finish', () => {
          if (ended) return;
          ended = true;
          audit('ok', undefined, last);
        });
        handler(call);
      }
    };
  }
  return out as unknown as ControlServer;
}
