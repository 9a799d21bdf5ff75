// The console gateway: serves the renderer and bridges HTTP/WebSocket to the controller's Control
// service, behind a per-launch console token (docs/design.md, "Components"; docs/architecture.md).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatonError, type ErrorDetailLike } from '../model/errors.js';
import type { WhoAmIReply } from '../rpc/gen/control.js';
import { isLoopback, parseAddress } from '../rpc/address.js';
import { connectControl } from '../rpc/control-client.js';
import type { TlsFiles } from '../rpc/tls.js';
import { hostAllowed, newConsoleToken, originAllowed, tokenOk } from './auth.js';
import { API_PREFIX, LOG_DOWNLOAD_PATH, TOKEN_FRAGMENT, TOKEN_HEADER, WS_PREFIX } from './contract.js';
import { downloadTaskLog } from './log-download.js';
import { sendError, setSecurityHeaders } from './http.js';
import { defaultStaticDir, serveStatic } from './static.js';
import { createStreamBridge } from './streams.js';
import { TRAINING_PREFIX, TRAINING_STREAM } from './training/contract.js';
import { TrainingHost } from './training/host.js';
import { handleUnary } from './unary.js';

export interface GatewayOptions {
  /** the controller's address (unix:///path or host:port) */
  controller: string;
  /** the token of the user the console acts for (a user token, or the controller's own for its
   *  operator): every call of every browser holding this gateway's console token is this user's.
   *  It stays in the gateway; the browser only ever has the per-launch console token. */
  token?: string;
  /** the certificate, key and CA to dial a controller at a tcp address over mutual TLS (the CLI's
   *  --tls-cert/--tls-key/--tls-ca or BATON_TLS_*); a unix socket or loopback needs none */
  tls?: TlsFiles;
  /** where to listen: host:port on loopback (default 127.0.0.1:0, a free port) */
  listen?: string;
  /** the built renderer (default <package>/dist-renderer) */
  staticDir?: string;
  /** the console token to require (default: a new random one) */
  consoleToken?: string;
  /** training sessions from the console (docs/training.md, "In the console"): the local stack's
   *  home (faults and reports need it), and the walkthrough folder (default: the shipped ones) */
  training?: { home?: string; walkthroughDir?: string };
}

/** Asks the controller who the console acts for, through the gateway (as the browser does). */
export async function whoAmIThroughGateway(gw: GatewayHandle): Promise<WhoAmIReply> {
  const r = await fetch(new URL('/api/WhoAmI', gw.url), {
    method: 'POST',
    body: '{}',
    headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: gw.token },
  });
  const body = (await r.json()) as WhoAmIReply & { error?: ErrorDetailLike };
  if (!r.ok) throw BatonError.fromDetail(body.error ?? { code: 'INTERNAL', message: `HTTP ${r.status}` });
  return body;
}

/** Asks the controller for its info through the gateway: null when it answers, else why not. */
export async function probeController(gw: GatewayHandle): Promise<string | null> {
  try {
    const r = await fetch(new URL('/api/GetInfo', gw.url), {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: gw.token },
    });
    if (r.ok) return null;
    const body = (await r.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    return `${body?.error?.code ?? r.status}: ${body?.error?.message ?? ''}`;
  } catch (e) {
    return (e as Error).message;
  }
}

export interface GatewayHandle {
  /** http://host:port/ */
  url: string;
  /** the console token every API call and WebSocket must carry */
  token: string;
  /** url with the token in the fragment: what to open in a browser */
  openUrl: string;
  stop(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<GatewayHandle> {
  const listen = parseAddress(opts.listen ?? '127.0.0.1:0', 'console --listen');
  if (listen.kind !== 'tcp') throw new BatonError('BAD_INPUT', 'console --listen: expected host:port', { where: 'console --listen' });
  if (!isLoopback(listen.host!)) {
    throw new BatonError(
      'BAD_INPUT',
      `console --listen ${opts.listen}: the console serves plain HTTP and listens on loopback only (127.0.0.1, ::1, localhost); from another machine, use an SSH tunnel`,
      { where: 'console --listen' },
    );
  }
  const listenHost = listen.host!.replace(/^\[|\]$/g, '');
  const token = opts.consoleToken ?? newConsoleToken();
  const staticDir = opts.staticDir ?? defaultStaticDir();
  // keepalive: the console holds its streams open for hours, through NATs and idle links
  const client = connectControl(opts.controller, { token: opts.token, tls: opts.tls, keepaliveMs: 20_000, client: 'console' });
  const training = new TrainingHost(client, opts.training ?? {});
  // the training session's progress reaches the page as a stream of the bridge, like the events
  const streams = createStreamBridge(client, { [TRAINING_STREAM]: (_request, sink) => training.watch((m) => sink.send(m)) });

  const server = http.createServer((req, res) => {
    setSecurityHeaders(res, req.headers.host);
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (!hostAllowed(req.headers.host, listenHost)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' });
      res.end('unexpected Host');
      return;
    }
    if (url.pathname.startsWith(API_PREFIX)) {
      if (!originAllowed(req)) {
        sendError(res, new BatonError('UNAUTHENTICATED', 'cross-origin request refused', { where: 'Origin' }));
        return;
      }
      if (!tokenOk(req, url, token)) {
        sendError(res, new BatonError('UNAUTHENTICATED', 'missing or wrong console token', { where: 'token' }));
        return;
      }
      if (url.pathname === LOG_DOWNLOAD_PATH) void downloadTaskLog(client, res, url);
      else if (url.pathname.startsWith(TRAINING_PREFIX)) void training.handle(req, res, url);
      else void handleUnary(client, req, res, url);
      return;
    }
    serveStatic(staticDir, req, res, url);
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (!url.pathname.startsWith(WS_PREFIX)) return refuse('404 Not Found');
    if (!hostAllowed(req.headers.host, listenHost) || !originAllowed(req)) return refuse('403 Forbidden');
    if (!tokenOk(req, url, token)) return refuse('401 Unauthorized');
    streams.handleUpgrade(req, socket, head, url);
  });
  server.on('clientError', (_e, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new BatonError('BAD_INPUT', `console --listen ${opts.listen}: ${e.code ?? e.message}`, { where: 'console --listen' })),
    );
    server.listen(listen.port, listenHost, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostPart = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${hostPart}:${addr.port}/`;
  return {
    url,
    token,
    openUrl: `${url}#${TOKEN_FRAGMENT}=${token}`,
    async stop() {
      await training.close().catch(() => undefined);
      streams.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      client.close();
    },
  };
}
