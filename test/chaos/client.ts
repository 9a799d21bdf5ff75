// Control calls with a deadline (a stopped or dead controller never hangs the suite), errors as
// BatonError. The client is rebuilt by the stack after each controller restart.
import * as grpc from '@grpc/grpc-js';
import type { ControlClient, ControlProgress, Environment, Node, Run } from '../../core/rpc/gen/control.js';
import { fromServiceError } from '../../core/rpc/errors.js';
import { BatonError } from '../../core/model/errors.js';

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown;

export function unary<Req, Res>(client: ControlClient, method: string, req: Req, timeoutMs = 10_000): Promise<Res> {
  const fn = (client as unknown as Record<string, Unary<Req, Res>>)[method]!.bind(client);
  return new Promise((resolve, reject) => {
    fn(req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (e, r) => (e ? reject(fromServiceError(e)) : resolve(r)));
  });
}

export interface TransitionResult {
  ok: boolean;
  state: string;
  runNumber?: number;
  error?: { code: string; message: string };
}

/** ControlEnvironment to its final message; a broken stream is a result with ok false and code STREAM */
export function transition(client: ControlClient, id: string, name: string, timeoutMs = 30_000): Promise<TransitionResult> {
  return new Promise((resolve) => {
    let final: ControlProgress | null = null;
    const s = client.controlEnvironment({ id, transition: name, timeoutMs, args: {} }, new grpc.Metadata(), { deadline: Date.now() + timeoutMs + 15_000 });
    s.on('data', (p: ControlProgress) => {
      if (p.final) final = p;
    });
    s.on('error', (e) => {
      const err = fromServiceError(e as grpc.ServiceError);
      resolve({ ok: false, state: '', error: { code: err instanceof BatonError ? err.code : 'STREAM', message: err.message } });
    });
    s.on('end', () => {
      const f = final as ControlProgress | null;
      if (!f) resolve({ ok: false, state: '', error: { code: 'STREAM', message: 'the stream ended without a final message' } });
      else resolve({ ok: f.ok, state: f.state, runNumber: f.runNumber, error: f.error ? { code: f.error.code, message: f.error.message } : undefined });
    });
  });
}

export const getEnvironment = (c: ControlClient, id: string) => unary<object, Environment>(c, 'getEnvironment', { id, withTasks: true, withTree: false });
export const listEnvironments = async (c: ControlClient) => (await unary<object, { environments: Environment[] }>(c, 'listEnvironments', {})).environments;
export const listRuns = async (c: ControlClient) => (await unary<object, { runs: Run[] }>(c, 'listRuns', { envId: '', limit: 0 })).runs;
export const listNodes = async (c: ControlClient) => (await unary<object, { nodes: Node[] }>(c, 'listNodes', {})).nodes;
