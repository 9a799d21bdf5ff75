// The gateway's gRPC client to the controller's Control service, and the generic call helpers the
// unary and stream bridges use. The controller token stays here: the browser never sees it.
import * as grpc from '@grpc/grpc-js';
import { ControlClient, ControlService } from '../rpc/gen/control.js';
import { parseAddress } from '../rpc/address.js';
import { tokenInterceptor } from '../rpc/auth.js';
import type { StreamMethod, UnaryMethod } from './contract.js';

export function dialControl(address: string, token: string | undefined): ControlClient {
  const addr = parseAddress(address, 'controller address');
  return new ControlClient(addr.grpc, grpc.credentials.createInsecure(), {
    interceptors: token ? [tokenInterceptor(token)] : [],
    // The console may stream a lot (events of 10k-task environments).
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.keepalive_time_ms': 20_000,
  });
}

type Definition = {
  path: string;
  requestSerialize: (v: any) => Buffer;
  responseDeserialize: (b: Buffer) => any;
};

function definition(method: UnaryMethod | StreamMethod): Definition {
  const key = (method[0]!.toLowerCase() + method.slice(1)) as keyof typeof ControlService;
  return ControlService[key] as unknown as Definition;
}

export function callUnary(client: ControlClient, method: UnaryMethod, req: unknown, deadlineMs: number): Promise<unknown> {
  const def = definition(method);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, req,
      new grpc.Metadata(), { deadline: Date.now() + deadlineMs },
      (err: grpc.ServiceError | null, res?: unknown) => (err ? reject(err) : resolve(res)));
  });
}

export function callStream(client: ControlClient, method: StreamMethod, req: unknown): grpc.ClientReadableStream<unknown> {
  const def = definition(method);
  return client.makeServerStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, req, new grpc.Metadata(), {});
}
