// The console gateway against a stand-in controller (a real Control gRPC server on loopback):
// token checks, the unary bridge with structured errors, the stream bridges, static serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import WebSocket from 'ws';
import { ControlService, Environment, Info, EventBatch, ControlProgress } from '../../core/rpc/gen/control.js';
import { LogChunk } from '../../core/rpc/gen/common.js';
import { checkToken } from '../../core/rpc/auth.js';
import { toServiceError } from '../../core/rpc/errors.js';
import { BatonError } from '../../core/model/errors.js';
import { probeController, startGateway, type GatewayHandle } from '../../core/gateway/main.js';

const CONTROLLER_TOKEN = 'controller-secret';
let server: grpc.Server;
let controllerAddr: string;
let gw: GatewayHandle;
let staticDir: string;

function unauth(call: { metadata: grpc.Metadata }): grpc.ServiceError | null {
  return checkToken(call.metadata, CONTROLLER_TOKEN) ? null : toServiceError(new BatonError('UNAUTHENTICATED', 'bad token'));
}

const notImplemented = (_c: unknown, cb: (e: grpc.ServiceError) => void) => cb(toServiceError(new BatonError('INTERNAL', 'not in the stand-in')));

before(async () => {
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-static-'));
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
  fs.mkdirSync(path.join(staticDir, 'assets'));
  fs.writeFileSync(path.join(staticDir, 'assets', 'app-1234.js'), 'console.log(1)');
  server = new grpc.Server();
  server.addService(ControlService, {
    getInfo: (call: grpc.ServerUnaryCall<unknown, Info>, cb: grpc.sendUnaryData<Info>) => {
      const e = unauth(call);
      if (e) return cb(e);
      cb(null, Info.fromPartial({ controllerId: 'ctl-1', version: '0.1.0', lastEventSeq: 42, nodesUp: 2, nodesTotal: 2 }));
    },
    getEnvironment: (call: grpc.ServerUnaryCall<{ id: string }, Environment>, cb: grpc.sendUnaryData<Environment>) => {
      cb(toServiceError(new BatonError('NOT_FOUND', `no environment ${call.request.id}`, { envId: call.request.id, where: 'id' })));
    },
    subscribe: (call: grpc.ServerWritableStream<{ fromSeq: number }, EventBatch>) => {
      const from = call.request.fromSeq;
      call.write(EventBatch.fromPartial({ events: [{ seq: from + 1, kind: 'env.state', envId: 'e1', state: 'RUNNING' }] }));
      call.write(EventBatch.fromPartial({ events: [{ seq: from + 2, kind: 'task.state', envId: 'e1', taskId: 't1', state: 'RUNNING' }] }));
      // then follows live until the client goes away
    },
    controlEnvironment: (call: grpc.ServerWritableStream<{ id: string; transition: string }, ControlProgress>) => {
      if (call.request.transition === 'EXIT') {
        call.emit('error', toServiceError(new BatonError('TRANSITION_NOT_ALLOWED', 'EXIT not allowed from RUNNING', { envId: call.request.id })));
        return;
      }
      call.write(ControlProgress.fromPartial({ phase: 'transition', done: 1, total: 2 }));
      call.write(ControlProgress.fromPartial({ phase: 'transition', done: 2, total: 2 }));
      call.write(ControlProgress.fromPartial({ final: true, ok: true, state: 'CONFIGURED', transition: call.request.transition }));
      call.end();
    },
    taskLogs: (call: grpc.ServerWritableStream<unknown, LogChunk>) => {
      call.write(LogChunk.fromPartial({ lines: ['hello', 'world'], eof: true }));
      call.end();
    },
    listEnvironments: notImplemented,
    createEnvironment: notImplemented,
    destroyEnvironment: notImplemented,
    listTasks: notImplemented,
    killTask: notImplemented,
    listNodes: notImplemented,
    addNode: notImplemented,
    removeNode: notImplemented,
    listRuns: notImplemented,
    listTemplates: notImplemented,
    renderTemplate: notImplemented,
    lintTemplate: notImplemented,
  } as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  controllerAddr = `127.0.0.1:${port}`;
  gw = await startGateway({ controller: controllerAddr, token: CONTROLLER_TOKEN, listen: '127.0.0.1:0', staticDir });
});

after(async () => {
  await gw?.stop();
  server?.forceShutdown();
  fs.rmSync(staticDir, { recursive: true, force: true });
});

async function api(method: string, body: unknown, token: string | null = gw.token, raw?: string) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers['x-baton-console-token'] = token;
  const r = await fetch(new URL(`/api/${method}`, gw.url), { method: 'POST', headers, body: raw ?? JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any, headers: r.headers };
}

function wsFrames(method: string, req: unknown, token = gw.token, until = (f: any) => f.t !== 'msg'): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}ws/${method}?token=${encodeURIComponent(token)}`);
    const frames: any[] = [];
    ws.on('open', () => ws.send(JSON.stringify(req)));
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString());
      frames.push(f);
      if (until(f)) {
        ws.close();
        resolve(frames);
      }
    });
    ws.on('unexpected-response', (_req, res) => reject(Object.assign(new Error('refused'), { status: res.statusCode })));
    ws.on('error', reject);
  });
}

test('the URL to open carries the console token in the fragment, never the controller token', () => {
  assert.match(gw.openUrl, /^http:\/\/127\.0\.0\.1:\d+\/#token=/);
  assert.ok(!gw.openUrl.includes(CONTROLLER_TOKEN));
  assert.notEqual(gw.token, CONTROLLER_TOKEN);
});

test('an API call without the console token is refused with a structured UNAUTHENTICATED', async () => {
  const r = await api('GetInfo', {}, null);
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'UNAUTHENTICATED');
  const wrong = await api('GetInfo', {}, 'nope');
  assert.equal(wrong.status, 401);
});

test('a unary call crosses the bridge as JSON with the generated field names', async () => {
  const r = await api('GetInfo', {});
  assert.equal(r.status, 200);
  assert.equal(r.body.controllerId, 'ctl-1');
  assert.equal(r.body.lastEventSeq, 42);
  assert.equal(r.body.environments, 0, 'defaults are present');
  assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

test('a controller error arrives as its ErrorDetail with a fitting HTTP status', async () => {
  const r = await api('GetEnvironment', { id: 'env-x' });
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'NOT_FOUND');
  assert.equal(r.body.error.envId, 'env-x');
  assert.equal(r.body.error.where, 'id');
});

test('bad requests name what is wrong', async () => {
  const bad = await api('GetInfo', null, gw.token, '{nope');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'BAD_INPUT');
  assert.match(bad.body.error.message, /GetInfo request: not valid JSON/);
  const arr = await api('GetInfo', [1]);
  assert.equal(arr.status, 400);
  const unknown = await api('FormatDisk', {});
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.error.message, /FormatDisk/);
});

test('a cross-origin API call is refused even with the token', async () => {
  const r = await fetch(new URL('/api/GetInfo', gw.url), {
    method: 'POST',
    body: '{}',
    headers: { 'Content-Type': 'application/json', 'x-baton-console-token': gw.token, Origin: 'http://evil.example' },
  });
  assert.equal(r.status, 401);
});

test('a request for a foreign Host name is refused (DNS rebinding)', async () => {
  const u = new URL(gw.url);
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: '/', headers: { Host: 'evil.example' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 421);
});

test('the event stream arrives as batches over a WebSocket, resumable from a seq', async () => {
  const frames = await wsFrames('Subscribe', { fromSeq: 10 }, gw.token, (f) => f.t === 'msg' && f.m.events[0].seq === 12);
  assert.deepEqual(
    frames.map((f) => f.m.events[0].seq),
    [11, 12],
  );
  assert.equal(frames[1].m.events[0].taskId, 't1');
});

test('a WebSocket without the console token is refused', async () => {
  await assert.rejects(wsFrames('Subscribe', {}, 'wrong'), (e: any) => e.status === 401);
});

test('transition progress streams until the final message; a refusal arrives as an error frame', async () => {
  const frames = await wsFrames('ControlEnvironment', { id: 'e1', transition: 'CONFIGURE' });
  const msgs = frames.filter((f) => f.t === 'msg').map((f) => f.m);
  assert.deepEqual(
    msgs.map((m) => `${m.done}/${m.total}`),
    ['1/2', '2/2', '0/0'],
  );
  assert.equal(msgs[2].final, true);
  assert.equal(frames.at(-1).t, 'end');
  const refused = await wsFrames('ControlEnvironment', { id: 'e1', transition: 'EXIT' });
  assert.equal(refused.at(-1).t, 'error');
  assert.equal(refused.at(-1).error.code, 'TRANSITION_NOT_ALLOWED');
  assert.equal(refused.at(-1).error.envId, 'e1');
});

test('log chunks stream over a WebSocket', async () => {
  const frames = await wsFrames('TaskLogs', { taskId: 't1', tail: 10 });
  assert.deepEqual(frames[0].m.lines, ['hello', 'world']);
  assert.equal(frames.at(-1).t, 'end');
});

test('the renderer is served with security headers; routes fall back to index.html; nothing outside is served', async () => {
  const page = await fetch(new URL('/envs/abc', gw.url));
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>console/);
  const csp = page.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  const asset = await fetch(new URL('/assets/app-1234.js', gw.url));
  assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
  assert.equal((await fetch(new URL('/assets/missing.js', gw.url))).status, 404);
  for (const p of ['/..%2f..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/assets/..%5c..%5cpackage.json']) {
    const text = await (await fetch(new URL(p, gw.url))).text();
    assert.ok(!/root:|"name"/.test(text), `${p} must not leave the static dir`);
  }
});

test('an unreachable controller gives UNAVAILABLE (503), and the gateway keeps serving', async () => {
  const lone = await startGateway({ controller: '127.0.0.1:1', listen: '127.0.0.1:0', staticDir });
  try {
    const r = await fetch(new URL('/api/GetInfo', lone.url), {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json', 'x-baton-console-token': lone.token },
    });
    assert.equal(r.status, 503);
    assert.equal(((await r.json()) as any).error.code, 'UNAVAILABLE');
    assert.equal((await fetch(new URL('/', lone.url))).status, 200);
  } finally {
    await lone.stop();
  }
});

test('the gateway refuses to listen on a network address (plain HTTP)', async () => {
  await assert.rejects(
    startGateway({ controller: controllerAddr, listen: '0.0.0.0:0', staticDir }),
    (e: any) => e.code === 'BAD_INPUT' && /loopback only/.test(e.message),
  );
});

test('probeController says whether the controller answers', async () => {
  assert.equal(await probeController(gw), null);
  const lone = await startGateway({ controller: '127.0.0.1:1', listen: '127.0.0.1:0', staticDir });
  try {
    assert.match((await probeController(lone)) ?? '', /^UNAVAILABLE/);
  } finally {
    await lone.stop();
  }
});
