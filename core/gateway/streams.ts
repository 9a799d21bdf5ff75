// The stream bridges: a WebSocket on /ws/<Method> per server stream (Subscribe: event batches,
// ControlEnvironment: progress, TaskLogs: follow). The client's first frame is the request; the
// gateway answers with StreamFrame values. Closing the socket cancels the gRPC call.
// The gateway's own streams (the training session's, training/contract.ts) are served the same
// way, with the same framing, from a LocalStream instead of a gRPC call.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { BatonError, toBatonError } from '../model/errors.js';
import { controlMethod, type ControlConnection, type ControlStream } from '../rpc/control-client.js';
import { STREAM_REQUESTS } from './codecs.js';
import { isStreamMethod, WS_PREFIX, type StreamFrame, type StreamFrameOf, type StreamMethod } from './contract.js';
import { errorDetailJson, parseJsonObject } from './http.js';

const REQUEST_WAIT_MS = 10_000;
const PING_MS = 15_000;
/** Above this many buffered bytes the gRPC stream is paused until the browser catches up. */
const HIGH_WATER = 8 * 1024 * 1024;

/** Where a stream the gateway serves itself sends its messages. */
export interface LocalStreamSink {
  send(message: unknown): void;
  /** ends the stream with this error (sent as a structured `error` frame) */
  fail(e: unknown): void;
}

/** A stream the gateway serves itself: starts on the page's request, returns what stops it. */
export type LocalStream = (request: Record<string, unknown>, sink: LocalStreamSink) => () => void;

export interface StreamBridge {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  close(): void;
}

/** `local`: the gateway's own streams, by name under /ws/ (e.g. training/WatchSession). */
export function createStreamBridge(client: ControlConnection, local: Readonly<Record<string, LocalStream>> = {}): StreamBridge {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const alive = new WeakSet<WebSocket>();

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_MS);
  pinger.unref();

  /** The framing both kinds share: the request first (within REQUEST_WAIT_MS), then frames. */
  function accept(
    ws: WebSocket,
    name: string,
    onRequest: (data: RawData, send: (f: StreamFrameOf<unknown>) => void, fail: (e: unknown) => void) => void,
  ): void {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    const send = (f: StreamFrameOf<unknown>) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(f));
    };
    const fail = (e: unknown) => {
      send({ t: 'error', error: errorDetailJson(toBatonError(e).detail) });
      ws.close(1011, 'error');
    };
    const wait = setTimeout(
      () => fail(new BatonError('BAD_INPUT', `${name}: no request sent within ${REQUEST_WAIT_MS} ms`, { where: 'request' })),
      REQUEST_WAIT_MS,
    );
    ws.once('message', (data: RawData) => {
      clearTimeout(wait);
      onRequest(data, send, fail);
    });
    ws.on('close', () => clearTimeout(wait));
    ws.on('error', () => ws.terminate());
  }

  function serveLocal(ws: WebSocket, name: string, stream: LocalStream): void {
    accept(ws, name, (data, send, fail) => {
      let stop: () => void;
      let failed = false;
      try {
        stop = stream(parseJsonObject(data.toString(), `${name} request`), {
          send: (m) => send({ t: 'msg', m }),
          fail: (e) => {
            failed = true;
            fail(e);
          },
        });
      } catch (e) {
        fail(e);
        return;
      }
      if (failed) stop();
      else ws.on('close', stop);
    });
  }

  function serve(ws: WebSocket, method: StreamMethod): void {
    accept(ws, method, (data, sendFrame, fail) => {
      const send = (f: StreamFrame<StreamMethod>) => sendFrame(f);
      let call: ControlStream<unknown>;
      try {
        const req = STREAM_REQUESTS[method].fromJSON(parseJsonObject(data.toString(), `${method} request`));
        call = client.stream(controlMethod(method), req);
      } catch (e) {
        fail(e);
        return;
      }
      let ended = false;
      call.on('data', (m: unknown) => {
        send({ t: 'msg', m } as StreamFrame<StreamMethod>);
        if (ws.bufferedAmount > HIGH_WATER && !call.isPaused()) {
          call.pause();
          const drain = setInterval(() => {
            if (ws.readyState !== ws.OPEN) {
              clearInterval(drain);
              return;
            }
            if (ws.bufferedAmount < HIGH_WATER / 4) {
              clearInterval(drain);
              call.resume();
            }
          }, 20);
        }
      });
      call.on('end', () => {
        if (ended) return;
        ended = true;
        send({ t: 'end' });
        ws.close(1000, 'end');
      });
      call.on('error', (e) => {
        if (ended) return;
        ended = true;
        fail(e);
      });
      ws.on('close', () => {
        if (!ended) {
          ended = true;
          call.cancel();
        }
      });
    });
  }

  return {
    handleUpgrade(req, socket, head, url) {
      const method = url.pathname.slice(WS_PREFIX.length);
      const own = Object.prototype.hasOwnProperty.call(local, method) ? local[method] : undefined;
      if (own) {
        wss.handleUpgrade(req, socket, head, (ws) => serveLocal(ws, method, own));
        return;
      }
      if (!isStreamMethod(method)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => serve(ws, method));
    },
    close() {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
