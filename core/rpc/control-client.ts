// The one client of the Control service (control.proto), used by the CLI, local mode, the console
// gateway and the desktop app: typed on the generated ControlService (a method's request and reply
// types come from the generated code), the token on every call, mutual TLS to a controller at a tcp
// address, a deadline on every unary call, and every failure re-thrown as a BatonError.
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { BatonError } from '../model/errors.js';
import { parseAddress } from './address.js';
import { type ClientKind, clientKindInterceptor, tokenInterceptor } from './auth.js';
import { fromServiceError } from './errors.js';
import { followLeader, splitAddresses } from './leader-client.js';
import { ControlClient, ControlService } from './gen/control.js';
import { channelCredentials, loadTls, type TlsFiles } from './tls.js';

type Service = typeof ControlService;
type MethodName = keyof Service;

/** Control methods answered by one reply (getInfo, listEnvironments, ...). */
export type ControlUnaryMethod = { [M in MethodName]: Service[M]['responseStream'] extends false ? M : never }[MethodName];
/** Control methods answered by a stream (controlEnvironment, taskLogs, subscribe). */
export type ControlStreamMethod = { [M in MethodName]: Service[M]['responseStream'] extends true ? M : never }[MethodName];
/** The generated request type of a method. */
export type ControlRequest<M extends MethodName> = Parameters<Service[M]['requestSerialize']>[0];
/** The generated reply (or stream message) type of a method. */
export type ControlReply<M extends MethodName> = ReturnType<Service[M]['responseDeserialize']>;

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** The generated name of a method named as in control.proto (GetInfo -> getInfo): the console's
 *  wire contract uses the proto names. */
export function controlMethod<M extends Capitalize<MethodName>>(protoName: M): Uncapitalize<M> {
  const name = protoName.charAt(0).toLowerCase() + protoName.slice(1);
  if (!Object.prototype.hasOwnProperty.call(ControlService, name)) {
    throw new BatonError('NOT_FOUND', `no Control method ${protoName}`, { where: 'method' });
  }
  return name as Uncapitalize<M>;
}

/** A server stream of typed messages. Errors arrive as BatonError; after cancel() nothing more is
 *  emitted (the CANCELLED status the cancel causes is the caller's own doing, not a failure). */
export interface ControlStream<T> {
  on(event: 'data', listener: (message: T) => void): this;
  on(event: 'end', listener: () => void): this;
  on(event: 'error', listener: (error: BatonError) => void): this;
  cancel(): void;
  pause(): void;
  resume(): void;
  isPaused(): boolean;
}

export interface StreamOptions {
  /** the stream's deadline in ms from now (default: none; a follow runs until cancelled) */
  timeoutMs?: number;
}

export interface ControlConnection {
  readonly address: string;
  /** A unary call with a deadline (default 30 s); rejects with a BatonError. */
  call<M extends ControlUnaryMethod>(method: M, request: ControlRequest<M>, timeoutMs?: number): Promise<ControlReply<M>>;
  /** A server stream (ControlEnvironment progress, TaskLogs, Subscribe). */
  stream<M extends ControlStreamMethod>(method: M, request: ControlRequest<M>, options?: StreamOptions): ControlStream<ControlReply<M>>;
  close(): void;
}

export interface ConnectOptions {
  /** a user's token (or the controller's own), sent as `authorization: Bearer <token>` on every call */
  token?: string;
  /** which client this is, sent as `x-baton-client` (the CLI: cli, the console gateway: console);
   *  without it the controller counts the calls as `api` */
  client?: ClientKind;
  /** this client's certificate, key and the CA that signs the controller's certificate: mutual TLS
   *  to a tcp address. Without it only a unix socket or a loopback address can be dialled. */
  tls?: TlsFiles;
  /** HTTP/2 keepalive pings (ms) for a long-lived connection (the console gateway's) */
  keepaliveMs?: number;
}

/** Connects (lazily: the first call dials) to the controller at address. A bad address or TLS
 *  file is a BAD_INPUT at once. Several addresses separated by commas are the controllers of a
 *  fail-over cluster: the connection follows their leader (leader-client.ts). */
export function connectControl(address: string, options: ConnectOptions = {}): ControlConnection {
  const addresses = splitAddresses(address);
  if (addresses.length > 1) {
    // every address checked now, so that a bad one is a BAD_INPUT before any call
    const connections = addresses.map((a) => connectControl(a, options));
    return followLeader(addresses, (a) => connections[addresses.indexOf(a)]!);
  }
  const addr = parseAddress(address, 'controller address');
  const tls = loadTls(options.tls, 'controller client');
  const channelOptions: grpc.ChannelOptions = {
    // a 150k-task environment is tens of megabytes (a limit, not an allocation)
    'grpc.max_receive_message_length': 1 << 30,
    'grpc.max_send_message_length': 64 << 20,
  };
  if (options.keepaliveMs) channelOptions['grpc.keepalive_time_ms'] = options.keepaliveMs;
  const client = new ControlClient(addr.grpc, channelCredentials(addr, tls, 'controller address'), {
    interceptors: [...(options.token ? [tokenInterceptor(options.token)] : []), ...(options.client ? [clientKindInterceptor(options.client)] : [])],
    ...channelOptions,
  });
  const failure = (e: unknown) => explainTlsFailure(fromServiceError(e), address, !!tls);
  // the token and the client kind travel by the interceptors above
  const metadata = () => new grpc.Metadata();

  return {
    address,
    call<M extends ControlUnaryMethod>(method: M, request: ControlRequest<M>, timeoutMs = DEFAULT_CALL_TIMEOUT_MS) {
      const def = definitionOf(method);
      return new Promise<ControlReply<M>>((resolve, reject) => {
        client.makeUnaryRequest(
          def.path,
          def.requestSerialize,
          def.responseDeserialize,
          request,
          metadata(),
          { deadline: Date.now() + timeoutMs },
          (err, reply) => (err ? reject(failure(err)) : resolve(reply as ControlReply<M>)),
        );
      });
    },
    stream<M extends ControlStreamMethod>(method: M, request: ControlRequest<M>, streamOptions: StreamOptions = {}) {
      const def = definitionOf(method);
      const callOptions: grpc.CallOptions = streamOptions.timeoutMs ? { deadline: Date.now() + streamOptions.timeoutMs } : {};
      const call = client.makeServerStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, request, metadata(), callOptions);
      return typedStream(call as grpc.ClientReadableStream<ControlReply<M>>, failure);
    },
    close() {
      client.close();
    },
  };
}

/** A method's path and codecs, seen through one signature: the public types above tie each method
 *  to its own request and reply, which a union of the generated definitions cannot express. */
interface Definition {
  path: string;
  requestSerialize: (request: ControlRequest<MethodName>) => Buffer;
  responseDeserialize: (bytes: Buffer) => unknown;
}

function definitionOf(method: MethodName): Definition {
  return ControlService[method] as unknown as Definition;
}

function typedStream<T>(call: grpc.ClientReadableStream<T>, failure: (e: unknown) => BatonError): ControlStream<T> {
  const events = new EventEmitter();
  let cancelled = false;
  call.on('data', (m: T) => {
    if (!cancelled) events.emit('data', m);
  });
  call.on('end', () => {
    if (!cancelled) events.emit('end');
  });
  call.on('error', (e) => {
    if (!cancelled) events.emit('error', failure(e));
  });
  const stream: ControlStream<T> = {
    on(event: string, listener: (...args: any[]) => void) {
      events.on(event, listener);
      return stream;
    },
    cancel() {
      cancelled = true;
      call.cancel();
    },
    pause: () => {
      call.pause();
    },
    resume: () => {
      call.resume();
    },
    isPaused: () => call.isPaused(),
  };
  return stream;
}

// What OpenSSL (through Node) says when the peer's certificate does not check out, and what that
// means for the person who gave the certificates.
const TLS_PROBLEMS: [RegExp, string][] = [
  [
    /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate signature failure/i,
    'its certificate is not signed by the CA given (--tls-ca, BATON_TLS_CA)',
  ],
  [/altnames|does not match/i, 'its certificate does not name the host dialled (SAN DNS or IP)'],
  [/expired|not yet valid/i, 'its certificate has expired or is not yet valid'],
  [/certificate|handshake|alert|SSL|TLS/i, "the TLS handshake failed (did it refuse this client's certificate?)"],
];

/** A TLS handshake that failed shows up as UNAVAILABLE with OpenSSL's words buried in grpc-js's:
 *  say what is wrong in the user's terms, naming the address and the flag to check. */
function explainTlsFailure(e: BatonError, address: string, tls: boolean): BatonError {
  if (!tls || e.code !== 'UNAVAILABLE') return e;
  const problem = TLS_PROBLEMS.find(([pattern]) => pattern.test(e.message));
  if (!problem) return e;
  const reason = /Last error: (?:Error: )?([^.]+)/.exec(e.message)?.[1] ?? e.message;
  return new BatonError('UNAVAILABLE', `controller ${address}: ${problem[1]}: ${reason}`, { where: 'tls.ca', data: { address } });
}
