// Server streams over the gateway's WebSocket: openStream('Subscribe', { fromSeq }, handlers).
// Exactly one of onEnd / onError is called, once, unless close() was called first.
import {
  STREAM_METHODS,
  TOKEN_QUERY,
  WS_PREFIX,
  type StreamFrame,
  type StreamMessage,
  type StreamMethod,
  type StreamRequest,
} from '../../../core/gateway/contract.js';
import { BatonError } from '../../../core/model/errors.js';
import { currentToken } from './auth.js';
import { errorFromWire } from './errors.js';

export interface StreamHandlers<M extends StreamMethod> {
  onOpen?(): void;
  onMessage(m: StreamMessage<M>): void;
  onEnd?(): void;
  onError?(e: BatonError): void;
}

export interface StreamHandle {
  close(): void;
}

export function streamUrl(method: StreamMethod): string {
  const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${proto}://${window.location.host}${WS_PREFIX}${method}?${TOKEN_QUERY}=${encodeURIComponent(currentToken() ?? '')}`;
}

export function openStream<M extends StreamMethod>(method: M, req: Partial<StreamRequest<M>>, h: StreamHandlers<M>): StreamHandle {
  if (!STREAM_METHODS.includes(method)) throw new BatonError('BAD_INPUT', `not a stream method: ${method}`);
  const ws = new WebSocket(streamUrl(method));
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
    let f: StreamFrame<M>;
    try {
      f = JSON.parse(String(ev.data)) as StreamFrame<M>;
    } catch {
      return;
    }
    if (f.t === 'msg') h.onMessage(f.m);
    else if (f.t === 'end') finish(() => h.onEnd?.());
    else if (f.t === 'error') finish(() => h.onError?.(errorFromWire(f.error)));
  };
  ws.onclose = () => finish(() => h.onError?.(new BatonError('UNAVAILABLE', 'the connection to the console gateway was lost', { where: method })));
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
