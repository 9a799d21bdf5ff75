// Server streams over the gateway's WebSocket: openStream('Subscribe', { fromSeq }, handlers).
// Exactly one of onEnd / onError is called, once, unless close() was called first. The gateway's
// own streams (the training session's) go through openGatewayStream, with the same framing.
import {
  STREAM_METHODS,
  TOKEN_QUERY,
  WS_PREFIX,
  type StreamFrameOf,
  type StreamMessage,
  type StreamMethod,
  type StreamRequest,
} from '../../../core/gateway/contract.js';
import { BatonError } from '../../../core/model/errors.js';
import { currentToken } from './auth.js';
import { errorFromWire } from './errors.js';

export interface FrameHandlers<T> {
  onOpen?(): void;
  onMessage(m: T): void;
  onEnd?(): void;
  onError?(e: BatonError): void;
}

export type StreamHandlers<M extends StreamMethod> = FrameHandlers<StreamMessage<M>>;

export interface StreamHandle {
  close(): void;
}

/** `name`: a Control stream method, or one of the gateway's own (training/WatchSession) */
export function streamUrl(name: string): string {
  const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${proto}://${window.location.host}${WS_PREFIX}${name}?${TOKEN_QUERY}=${encodeURIComponent(currentToken() ?? '')}`;
}

export function openStream<M extends StreamMethod>(method: M, req: Partial<StreamRequest<M>>, h: StreamHandlers<M>): StreamHandle {
  if (!STREAM_METHODS.includes(method)) throw new BatonError('BAD_INPUT', `not a stream method: ${method}`);
  return openGatewayStream(method, req, h);
}

/** A stream by its name under /ws/: the request first, then frames carrying T. */
export function openGatewayStream<T>(name: string, req: object, h: FrameHandlers<T>): StreamHandle {
  const ws = new WebSocket(streamUrl(name));
  let done = false;
  const finish = (f: () => void) => {
    if (done) return;
    done = true;
    f();
  };
  ws.onopen = () => {
    ws.send(JSON.stringify(req));
    h.onOpen?.();
  };
  ws.onmessage = (ev) => {
    if (done) return;
    let f: StreamFrameOf<T>;
    try {
      f = JSON.parse(String(ev.data)) as StreamFrameOf<T>;
    } catch {
      return;
    }
    if (f.t === 'msg') h.onMessage(f.m);
    else if (f.t === 'end') finish(() => h.onEnd?.());
    else if (f.t === 'error') finish(() => h.onError?.(errorFromWire(f.error)));
  };
  ws.onclose = () => finish(() => h.onError?.(new BatonError('UNAVAILABLE', 'the connection to the console gateway was lost', { where: name })));
  return {
    close() {
      done = true;
      ws.onclose = null;
      try {
        ws.close();
      } catch {
        /* already closed */
      }
    },
  };
}
