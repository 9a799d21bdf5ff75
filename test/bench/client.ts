// A thin promise client of the Control service for the benchmarks: the generated ControlClient,
// the token on every call, errors re-thrown as BatonError, ControlEnvironment awaited to its end.
import * as grpc from '@grpc/grpc-js';
import { ControlClient, type ControlProgress, type Environment, type EventBatch, type Info } from '../../core/rpc/gen/control.js';
import { parseAddress } from '../../core/rpc/address.js';
import { tokenInterceptor } from '../../core/rpc/auth.js';
import { fromServiceError } from '../../core/rpc/errors.js';
import { BatonError } from '../../core/model/errors.js';

export interface Transitioned {
  final: ControlProgress;
  /** client-side wall time from the call to the final message */
  ms: number;
}

export class BenchClient {
  readonly raw: ControlClient;

  constructor(address: string, token: string) {
    this.raw = new ControlClient(parseAddress(address, 'controller').grpc, grpc.credentials.createInsecure(), {
      interceptors: [tokenInterceptor(token)],
      'grpc.max_receive_message_length': 1 << 30,
      'grpc.max_send_message_length': 64 << 20,
    });
  }

  unary<Res>(method: 'getInfo' | 'createEnvironment' | 'getEnvironment' | 'destroyEnvironment' | 'listTasks', req: object, timeoutMs = 60_000): Promise<Res> {
    return new Promise((resolve, reject) => {
      const fn = (this.raw as unknown as Record<string, Function>)[method]!;
      fn.call(this.raw, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err: grpc.ServiceError | null, res: Res) =>
        err ? reject(fromServiceError(err)) : resolve(res),
      );
    });
  }

  info(): Promise<Info> {
    return this.unary<Info>('getInfo', {}, 10_000);
  }

  create(workflow: string, vars: Record<string, string>, timeoutMs = 300_000): Promise<Environment> {
    return this.unary<Environment>('createEnvironment', { workflow, vars, repo: '', revision: '', owner: 'bench', autoDeploy: false }, timeoutMs);
  }

  getEnv(id: string, withTasks = false, withTree = false): Promise<Environment> {
    return this.unary<Environment>('getEnvironment', { id, withTasks, withTree }, 120_000);
  }

  /** Runs one transition and resolves with its final progress; rejects if it did not succeed. */
  transition(envId: string, transition: string, timeoutMs = 300_000): Promise<Transitioned> {
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      let final: ControlProgress | null = null;
      const call = this.raw.controlEnvironment({ id: envId, transition, timeoutMs, args: {} }, new grpc.Metadata(), {
        deadline: Date.now() + timeoutMs + 30_000,
      });
      call.on('data', (p: ControlProgress) => {
        if (p.final) final = p;
      });
      call.on('error', (e: grpc.ServiceError) => reject(fromServiceError(e)));
      call.on('end', () => {
        const ms = performance.now() - t0;
        if (!final) return reject(new BatonError('INTERNAL', `${transition} on ${envId}: the stream ended without a final message`));
        if (!final.ok) {
          return reject(
            new BatonError('TASK_FAILED', `${transition} on ${envId} failed: ${final.error?.message ?? 'no reason'} (state ${final.state})`, {
              envId,
              transition,
            }),
          );
        }
        resolve({ final, ms });
      });
    });
  }

  subscribe(fromSeq: number, onBatch: (b: EventBatch) => void): grpc.ClientReadableStream<EventBatch> {
    const call = this.raw.subscribe({ fromSeq, envId: '', kinds: [], replayAll: false }, new grpc.Metadata());
    call.on('data', onBatch);
    return call;
  }

  close(): void {
    this.raw.close();
  }
}
