// The SDK's own HTTP/2 client (core/sdk/h2/, under GrpcDuplex) against real servers: the agent's
// grpc-js control server (hello, transitions, messages over 16 and 64 KB both ways, a refusal,
// the server process killed), a grpc-js server that pings, a node:http2 server with a 100-byte
// window, and a raw socket server that sends what the others never would (unusual framing,
// protocol errors), which must end the call with an error that names the fault.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { TaskControlService, type AgentToTask, type TaskMsg } from '../../../core/rpc/gen/task.js';
import { GRPC_STATUS, GrpcDeframer, GrpcDuplex, NO_STATUS } from '../../../sdk/node/grpc-stream.js';
import { H2Connection } from '../../../sdk/node/h2/connection.js';
import {
  CONTINUATION, DATA, END_HEADERS, END_STREAM, FrameSplitter, GOAWAY, HEADERS, headersFrames, PADDED, PING, PREFACE,
  PRIORITY_FLAG, RST_STREAM, settingsFrame, writeFrameHeader,
} from '../../../sdk/node/h2/frame.js';
import { encodeHeaders } from '../../../sdk/node/h2/hpack.js';
import { decodeAgentToTask, encodeTaskMsg } from '../../../sdk/node/task-messages.js';
import { controlServer, tmpDir, until } from './control-fixture.js';

const METHOD = '/baton.v1.TaskControl/Control';
const GRPC_HEADERS: [string, string][] = [
  [':method', 'POST'], [':scheme', 'http'], [':path', METHOD], [':authority', 'localhost'], ['content-type', 'application/grpc'], ['te', 'trailers'],
];
const CONTROL_SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../core/agent/process/control-server.js');

const hello = (token = 'secret') => encodeTaskMsg({ msg: { $case: 'hello', hello: { taskId: 'task-1', token, pid: process.pid, state: 'STANDBY' } } });

/** the agent's control server, accepting the token 'secret' */
const secretServer = (t: TestContext) => controlServer(t, { authorize: (_id, token) => token === 'secret' });

/** a GrpcDuplex that records what it receives and how it ends */
function duplex(address: string) {
  // the control server's welcome (one per accepted hello) is counted apart from the messages
  const r = { messages: [] as AgentToTask[], welcomes: 0, end: null as { code: number; message: string } | null };
  const d = new GrpcDuplex(address, METHOD, {
    onMessage: (m) => {
      const msg = decodeAgentToTask(m);
      if (msg.msg?.$case === 'welcome') r.welcomes++;
      else r.messages.push(msg);
    },
    onEnd: (code, message) => {
      assert.equal(r.end, null, 'onEnd is called once');
      r.end = { code, message };
    },
  });
  return { d, r, write: (m: Buffer | TaskMsg) => new Promise<boolean>((res) => d.write(Buffer.isBuffer(m) ? m : encodeTaskMsg(m), res)) };
}

const transitionOf = (m: AgentToTask) => (m.msg?.$case === 'transition' ? m.msg.transition : assert.fail('not a transition'));

test('hello, then transitions and replies both ways through the agent control server', async (t) => {
  const { server, got } = await secretServer(t);
  const { d, r, write } = duplex(server.address);
  assert.equal(await write(hello()), true);
  await until(() => got.conns.length === 1, 'hello');
  for (let seq = 1; seq <= 200; seq++) {
    got.conns[0]!.send({ seq, event: seq % 2 ? 'CONFIGURE' : 'RESET', args: { note: `ünïcødé ${seq}` }, deadlineMs: 5000 });
    await until(() => r.messages.length === seq, `transition ${seq}`);
    const tr = transitionOf(r.messages[seq - 1]!);
    assert.equal(await write({ msg: { $case: 'reply', reply: { seq: tr.seq, ok: true, state: tr.event, error: '' } } }), true);
  }
  await until(() => got.replies.length === 200, 'replies');
  assert.deepEqual(got.replies.map((x) => x.seq), Array.from({ length: 200 }, (_, i) => i + 1));
  assert.equal(transitionOf(r.messages[6]!).args.note, 'ünïcødé 7');
  assert.equal(r.welcomes, 1);
  d.end();
  await until(() => r.end !== null, 'the end of the call');
  assert.deepEqual(r.end, { code: GRPC_STATUS.OK, message: 'OK' });
  assert.equal(await write(hello()), false, 'a write after the end');
});

test('messages over 16 KB and 64 KB both ways: frames split, flow-control windows respected', async (t) => {
  const { server, got } = await secretServer(t);
  const { d, r, write } = duplex(server.address);
  void write(hello());
  await until(() => got.conns.length === 1, 'hello');
  const big = (n: number, c: string) => c.repeat(n);
  // to the task: 20 KB, 100 KB, then 12 x 100 KB (1.2 MB: past half our 1 MiB window, so the
  // client must give window back or the server stalls)
  const sizes = [20_000, 100_000, ...Array(12).fill(100_000)];
  sizes.forEach((n, i) => got.conns[0]!.send({ seq: i + 1, event: 'CONFIGURE', args: { blob: big(n, String.fromCharCode(97 + (i % 26))) }, deadlineMs: 1 }));
  await until(() => r.messages.length === sizes.length, 'big transitions');
  r.messages.forEach((m, i) => assert.equal(transitionOf(m).args.blob, big(sizes[i]!, String.fromCharCode(97 + (i % 26))), `transition ${i + 1}`));
  // from the task: the server's window is 65,535, so these wait for its WINDOW_UPDATEs
  const out = [20_000, 70_000, 100_000, 100_000, 300_000];
  const oks = await Promise.all(out.map((n, i) => write({ msg: { $case: 'event', event: { kind: `BIG${i}`, message: big(n, 'xyz'[i % 3]!), data: {} } } })));
  assert.deepEqual(oks, out.map(() => true));
  await until(() => got.events.length === out.length, 'big events');
  got.events.forEach((e, i) => assert.deepEqual([e.kind, e.message], [`BIG${i}`, big(out[i]!, 'xyz'[i % 3]!)]));
  d.end();
  await until(() => r.end !== null, 'the end of the call');
  assert.equal(r.end!.code, GRPC_STATUS.OK);
});

test('a refused hello: the server ends the call with UNAUTHENTICATED and its message', async (t) => {
  const { server } = await secretServer(t);
  const { r, write } = duplex(server.address);
  void write(hello('wrong'));
  await until(() => r.end !== null, 'the end of the call');
  assert.deepEqual(r.end, { code: GRPC_STATUS.UNAUTHENTICATED, message: 'task task-1: unknown task or wrong token' });
});

test('the server process killed mid-call: onEnd once, with NO_STATUS', async (t) => {
  const sock = path.join(tmpDir(t, 'baton-h2-'), 'task.sock');
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    import { startControlServer } from ${JSON.stringify(CONTROL_SERVER)};
    await startControlServer(process.argv[1], { authorize: () => true, onHello: (_i, c) => { c.send({ seq: 1, event: 'CONFIGURE', args: {}, deadlineMs: 1 }); console.log('hello'); },
      onClose() {}, onReply() {}, onEvent() {}, onCounters() {} });
    console.log('ready');`, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  await until(() => out.includes('ready'), 'the server process');
  const { r, write } = duplex(`unix://${sock}`);
  void write(hello());
  await until(() => r.messages.length === 1, 'a transition');
  child.kill('SIGKILL');
  await until(() => r.end !== null, 'the end of the call');
  assert.equal(r.end!.code, NO_STATUS);
  assert.match(r.end!.message, /connection closed|ECONNRESET|GOAWAY/);
  assert.equal(await write(hello()), false);
});

test('PINGs from the server (grpc-js keepalive) are answered and the call lives on', async (t) => {
  const server = new grpc.Server({ 'grpc.keepalive_time_ms': 50, 'grpc.keepalive_timeout_ms': 300 });
  server.addService(TaskControlService, {
    control(call: grpc.ServerDuplexStream<TaskMsg, AgentToTask>) {
      let seq = 0;
      call.on('data', () => call.write({ msg: { $case: 'transition', transition: { seq: ++seq, event: 'ECHO', args: {}, deadlineMs: 0 } } }));
      call.on('end', () => call.end());
    },
  });
  const sock = path.join(tmpDir(t, 'baton-h2-'), 'ping.sock');
  await new Promise<number>((res, rej) => server.bindAsync(`unix://${sock}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))));
  t.after(() => server.forceShutdown());
  const deframer = new GrpcDeframer();
  const seqs: number[] = [];
  let ended = '';
  const conn = new H2Connection(net.connect(sock), GRPC_HEADERS, {
    onHeaders: () => {},
    onData: (buf, start, end) => { for (const m of deframer.push(buf.subarray(start, end))) seqs.push(transitionOf(decodeAgentToTask(m)).seq); },
    onEnd: (why) => (ended = why),
  });
  t.after(() => conn.close());
  conn.send(hello());
  await until(() => seqs.length === 1, 'the first echo');
  await new Promise((r) => setTimeout(r, 1000)); // ~15 pings, each with 300 ms to be answered
  conn.send(hello());
  await until(() => seqs.length === 2, 'the echo after the pings');
  assert.equal(ended, '', 'the call is still open');
  assert.ok(conn.pings >= 5, `pings answered: ${conn.pings}`);
});

test('a server with a 100-byte stream window: messages go out in pieces as the window opens', async (t) => {
  // a gRPC echo on node:http2 (nghttp2), with a tiny window for what we send it
  const server = http2.createServer({ settings: { initialWindowSize: 100 } });
  server.on('stream', (s) => {
    s.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    s.on('wantTrailers', () => s.sendTrailers({ 'grpc-status': '0', 'grpc-message': 'echoed' }));
    s.on('data', (b: Buffer) => s.write(b));
    s.on('end', () => s.end());
  });
  const sock = path.join(tmpDir(t, 'baton-h2-'), 'echo.sock');
  await new Promise<void>((r) => server.listen(sock, r));
  t.after(() => server.close());
  const echoed: Buffer[] = [];
  let end: [number, string] | null = null;
  const d = new GrpcDuplex(`unix://${sock}`, METHOD, { onMessage: (m) => echoed.push(Buffer.from(m)), onEnd: (c, m) => (end = [c, m]) });
  const sent = [1, 99, 100, 1000, 20_000, 70_000].map((n, i) => Buffer.alloc(n, i + 1));
  const oks = await Promise.all(sent.map((m) => new Promise<boolean>((r) => d.write(m, r))));
  assert.deepEqual(oks, sent.map(() => true));
  d.end();
  await until(() => end !== null, 'the end of the call');
  assert.deepEqual(end, [GRPC_STATUS.OK, 'echoed']);
  assert.deepEqual(echoed, sent);
});

/** frames the raw server below received from the client */
interface Seen { type: number; flags: number; stream: number; payload: Buffer }

/**
 * A raw HTTP/2 server on a unix socket: it reads the client's preface and frames (kept in `seen`)
 * and, once the client's HEADERS arrived, writes `reply` (its SETTINGS first).
 */
async function rawServer(t: TestContext, reply: Buffer[]) {
  const sock = path.join(tmpDir(t, 'baton-h2-'), 'raw.sock');
  const seen: Seen[] = [];
  const server = net.createServer((s) => {
    let head = Buffer.alloc(0);
    const splitter = new FrameSplitter(1 << 24);
    const sink = {
      frame(type: number, flags: number, stream: number, buf: Buffer, start: number, end: number) {
        seen.push({ type, flags, stream, payload: Buffer.from(buf.subarray(start, end)) });
        if (type === HEADERS) s.write(Buffer.concat([settingsFrame([]), ...reply]));
      },
    };
    s.on('data', (b: Buffer) => {
      if (head.length < PREFACE.length) {
        head = Buffer.concat([head, b]);
        if (head.length < PREFACE.length) return;
        assert.deepEqual(head.subarray(0, PREFACE.length), PREFACE);
        b = head.subarray(PREFACE.length);
      }
      splitter.push(b, sink);
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(sock, r));
  t.after(() => server.close());
  return { address: `unix://${sock}`, seen };
}

function rawFrame(type: number, flags: number, stream: number, payload: Buffer | number[]): Buffer {
  const p = Buffer.from(payload);
  const f = Buffer.alloc(9 + p.length);
  writeFrameHeader(f, 0, p.length, type, flags, stream);
  p.copy(f, 9);
  return f;
}

const block = (h: [string, string][]) => encodeHeaders(h);
const grpcMessage = (m: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0, m.length]), m]);

test('unusual but valid framing: PADDED and PRIORITY headers, padded DATA, trailers in CONTINUATION frames', async (t) => {
  const trailers = block([['grpc-status', '9'], ['grpc-message', 'not%20now%3A%20%E2%9C%93'], ['x-pad', 'p'.repeat(100)]]);
  const msg = encodeTaskMsg({ msg: { $case: 'hello', hello: { taskId: 'x', token: '', pid: 1, state: '' } } });
  const resp = block([[':status', '200'], ['content-type', 'application/grpc']]);
  const { address, seen } = await rawServer(t, [
    // HEADERS with 3 bytes of padding and the 5 PRIORITY bytes
    rawFrame(HEADERS, END_HEADERS | PADDED | PRIORITY_FLAG, 1, [3, 0, 0, 0, 0, 16, ...resp, 0, 0, 0]),
    // DATA with 10 bytes of padding
    rawFrame(DATA, PADDED, 1, [10, ...grpcMessage(msg), ...Buffer.alloc(10)]),
    // the trailers in three pieces
    rawFrame(HEADERS, END_STREAM, 1, trailers.subarray(0, 10)),
    rawFrame(CONTINUATION, 0, 1, trailers.subarray(10, 50)),
    rawFrame(CONTINUATION, END_HEADERS, 1, trailers.subarray(50)),
  ]);
  const got: Buffer[] = [];
  let end: [number, string] | null = null;
  const d = new GrpcDuplex(address, METHOD, { onMessage: (m) => got.push(Buffer.from(m)), onEnd: (c, m) => (end = [c, m]) });
  d.write(hello());
  await until(() => end !== null, 'the end of the call');
  assert.deepEqual(end, [9, 'not now: ✓']);
  assert.deepEqual(got, [msg]);
  // the client's request: HEADERS with our six headers, then the hello as one DATA frame
  const h = seen.find((f) => f.type === HEADERS)!;
  assert.equal(h.stream, 1);
  assert.equal(h.flags, END_HEADERS);
  await until(() => seen.some((f) => f.type === GOAWAY), 'GOAWAY');
  assert.deepEqual(seen.filter((f) => f.type === DATA)[0]!.payload, grpcMessage(hello()));
  // the server had finished: RST_STREAM NO_ERROR (our side was still open), then GOAWAY NO_ERROR
  assert.deepEqual(seen.filter((f) => f.type === RST_STREAM).map((f) => f.payload.readUInt32BE(0)), [0]);
});

test('an HTTP status other than 200 ends the call with UNAVAILABLE', async (t) => {
  const { address } = await rawServer(t, [headersFrames(1, block([[':status', '404']]), 16384, true)]);
  const { r, write } = duplex(address);
  void write(hello());
  await until(() => r.end !== null, 'the end of the call');
  assert.deepEqual(r.end, { code: GRPC_STATUS.UNAVAILABLE, message: 'HTTP status 404' });
});

test('a server that breaks the protocol: the call ends with NO_STATUS and a reason that names the fault, and GOAWAY says it', async (t) => {
  const ok = headersFrames(1, block([[':status', '200']]), 16384, false);
  const cases: [string, Buffer[], RegExp, number | null][] = [
    // ':status' as a Huffman string with padding that is not all ones
    ['bad HPACK', [rawFrame(HEADERS, END_HEADERS, 1, [0x08, 0x81, 0x18])], /HTTP\/2 COMPRESSION_ERROR: HPACK: invalid Huffman padding/, 0x9],
    ['short PING', [rawFrame(PING, 0, 0, [1, 2, 3, 4])], /HTTP\/2 FRAME_SIZE_ERROR: PING with a payload of the wrong length/, 0x6],
    ['DATA first', [rawFrame(DATA, 0, 1, grpcMessage(Buffer.from('x')))], /HTTP\/2 PROTOCOL_ERROR: DATA before the response headers/, 0x1],
    ['huge frame', [ok, rawFrame(DATA, 0, 1, Buffer.alloc(16385))], /HTTP\/2 FRAME_SIZE_ERROR: a frame of 16385 bytes, over our maximum of 16384/, 0x6],
    ['stray stream', [rawFrame(HEADERS, END_HEADERS, 3, block([[':status', '200']]))], /HTTP\/2 PROTOCOL_ERROR: HEADERS on stream 3/, 0x1],
    ['no CONTINUATION', [rawFrame(HEADERS, 0, 1, block([[':status', '200']])), rawFrame(PING, 0, 0, Buffer.alloc(8))],
      /HTTP\/2 PROTOCOL_ERROR: a frame of type 6 inside a header block/, 0x1],
    ['compressed message', [ok, rawFrame(DATA, 0, 1, [1, 0, 0, 0, 0])], /gRPC: a compressed message/, null],
    ['reset', [ok, rawFrame(RST_STREAM, 0, 1, [0, 0, 0, 7])], /the server reset the stream \(REFUSED_STREAM\)/, null],
    ['GOAWAY', [rawFrame(GOAWAY, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0xb, ...Buffer.from('calm down')])],
      /the server closed the connection \(GOAWAY ENHANCE_YOUR_CALM: calm down\)/, null],
  ];
  for (const [name, reply, reason, goaway] of cases) {
    const { address, seen } = await rawServer(t, reply);
    const { r, write } = duplex(address);
    void write(hello());
    await until(() => r.end !== null, `${name}: the end of the call`);
    // a bad message is the one fault that comes with a status (as it did with node:http2)
    assert.equal(r.end!.code, name === 'compressed message' ? GRPC_STATUS.INTERNAL : NO_STATUS, name);
    assert.match(r.end!.message, reason, name);
    if (goaway === null) continue;
    await until(() => seen.some((f) => f.type === GOAWAY), `${name}: GOAWAY`);
    const g = seen.find((f) => f.type === GOAWAY)!.payload;
    assert.equal(g.readUInt32BE(4), goaway, `${name}: GOAWAY code`);
    assert.match(g.subarray(8).toString(), reason, `${name}: GOAWAY debug data`);
  }
});

test('end() against a server that never answers: END_STREAM, then after the grace RST_STREAM CANCEL and GOAWAY', async (t) => {
  const { address, seen } = await rawServer(t, [headersFrames(1, block([[':status', '200']]), 16384, false)]);
  const { d, r, write } = duplex(address);
  void write(hello());
  await until(() => seen.some((f) => f.type === DATA), 'the hello');
  d.end(100);
  await until(() => r.end !== null, 'the end of the call');
  assert.deepEqual(r.end, { code: NO_STATUS, message: 'closed by the task' });
  await until(() => seen.some((f) => f.type === GOAWAY), 'GOAWAY');
  const after = seen.filter((f) => f.type === DATA || f.type === RST_STREAM || f.type === GOAWAY).map((f) => [f.type, f.flags, f.payload.length ? f.payload.readUInt32BE(f.type === GOAWAY ? 4 : 0) : -1]);
  assert.deepEqual(after.slice(1), [[DATA, END_STREAM, -1], [RST_STREAM, 0, 0x8], [GOAWAY, 0, 0]]);
});
