// A small promise-based client of the Control service (control.proto), shared by local mode
// and the CLI: token on every call, structured errors re-thrown as BatonError.
import * as grpc from '@grpc/grpc-js';
import { ControlClient } from '../rpc/gen/control.js';
import { parseAddress } from '../rpc/address.js';
import { tokenInterceptor } from '../rpc/auth.js';
import { fromServiceError } from '../rpc/errors.js';
import { channelCredentials, type TlsPem } from '../rpc/tls.js';

export interface Control {
  readonly address: string;
  readonly raw: ControlClient;
  /** A unary call with a deadline; rejects with a BatonError. */
  call<Req, Res>(method: UnaryMethod, req: Req, timeoutMs?: number): Promise<Res>;
  close(): void;
}

type UnaryMethod =
  | 'getInfo' | 'listEnvironments' | 'createEnvironment' | 'getEnvironment' | 'destroyEnvironment'
  | 'listTasks' | 'killTask' | 'listNodes' | 'addNode' | 'removeNode' | 'listRuns' | 'listTemplates'
  | 'renderTemplate' | 'lintTemplate';

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** tls: the client's certificate, key and CA for a controller at a tcp address (mutual TLS); without
 *  it only a unix socket or a loopback address can be dialled. */
export function connectControl(address: string, token?: string, tls?: TlsPem): Control {
  const addr = parseAddress(address, 'controller address');
  const raw = new ControlClient(addr.grpc, channelCredentials(addr, tls, 'controller address'), {
    interceptors: token ? [tokenInterceptor(token)] : [],
    // a 150k-task environment is tens of megabytes
    'grpc.max_receive_message_length': 1 << 30,
    'grpc.max_send_message_length': 64 << 20,
  });
  return {
    address,
    raw,
    call<Req, Res>(method: UnaryMethod, req: Req, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Promise<Res> {
      return new Promise<Res>((resolve, reject) => {
        const fn = (raw as unknown as Record<string, Function>)[method]!;
        fn.call(raw, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs },
          (err: grpc.ServiceError | null, res: Res) => (err ? reject(fromServiceError(err)) : resolve(res)));
      });
    },
    close() {
      raw.close();
    },
  };
}
