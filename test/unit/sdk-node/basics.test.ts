// The Node SDK's parts that need no agent: its start outside an agent, data-channel frames and
// addresses, and its codecs (sdk/node/gen, generated without the grpc-js stubs) against the
// agent's (core/rpc/gen): the same bytes both ways, so the two generated sets cannot drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameReader, frameHeader } from '../../../sdk/node/frames.js';
import { parseEndpoint } from '../../../sdk/node/channels.js';
import { GrpcDeframer, grpcFrame } from '../../../sdk/node/control-call.js';
import * as sdkCodecs from '../../../sdk/node/gen/task.js';
import * as agentCodecs from '../../../core/rpc/gen/task.js';

const PROGRAMS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets/programs');

test('a controlled program started outside an agent says why and exits 2', () => {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('BATON_')) delete env[k];
  const r = spawnSync(process.execPath, [path.join(PROGRAMS, 'demo-task.js')], { env, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /BATON_CONTROL, BATON_TASK_ID, BATON_TASK_TOKEN are not set/);
});

test('a controlled program given a BATON_CONTROL that is no address says so and exits 2', () => {
  const env = { ...process.env, BATON_CONTROL: 'unix:relative/task.sock', BATON_TASK_ID: 'task-1', BATON_TASK_TOKEN: 'secret' };
  const r = spawnSync(process.execPath, [path.join(PROGRAMS, 'demo-task.js')], { env, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot reach its agent: BATON_CONTROL unix:relative\/task.sock: a unix socket path must be absolute/);
});

test('frames survive arbitrary chunking', () => {
  const msgs = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70000, 7), Buffer.from('last')];
  const stream = Buffer.concat(msgs.flatMap((m) => [frameHeader(m.length), m]));
  const r = new FrameReader();
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 333) out.push(...r.push(stream.subarray(i, i + 333)));
  assert.deepEqual(
    out.map((b) => b.length),
    [1, 0, 70000, 4],
  );
  assert.equal(out[3]!.toString(), 'last');
  assert.throws(() => new FrameReader().push(Buffer.from([0xff, 0xff, 0xff, 0xff])), /over the/);
});

test('channel addresses', () => {
  assert.deepEqual(parseEndpoint('tcp://127.0.0.1:5000'), { host: '127.0.0.1', port: 5000 });
  assert.deepEqual(parseEndpoint('unix:///tmp/x.sock'), { path: '/tmp/x.sock' });
  assert.throws(() => parseEndpoint('http://x'), /expected tcp/);
});

test("the SDK's codecs and the agent's write the same bytes and read each other's", () => {
  const fromTask: sdkCodecs.TaskMsg[] = [
    { msg: { $case: 'hello', hello: { taskId: 'env-1/readout-0', token: 't0k3n', pid: 4242, state: 'RUNNING' } } },
    { msg: { $case: 'reply', reply: { seq: 2 ** 40, ok: false, state: 'ERROR', error: 'ünïcødé failure' } } },
    { msg: { $case: 'event', event: { kind: 'END_OF_STREAM', message: 'done', data: { b: '2', a: '1' } } } },
    { msg: { $case: 'counters', counters: { channels: [{ channel: 'out', messages: 7, bytes: 70000, msgRate: 1.5, byteRate: 1500.25 }] } } },
  ];
  for (const m of fromTask) {
    const bytes = Buffer.from(sdkCodecs.TaskMsg.encode(m).finish());
    assert.deepEqual(bytes, Buffer.from(agentCodecs.TaskMsg.encode(m).finish()), m.msg!.$case);
    assert.deepEqual(agentCodecs.TaskMsg.decode(bytes), m);
  }
  const fromAgent: agentCodecs.AgentToTask[] = [
    { msg: { $case: 'welcome', welcome: {} } },
    {
      msg: {
        $case: 'transition',
        transition: { seq: 9, event: 'CONFIGURE', args: { 'chan.out.bind': 'tcp://127.0.0.1:5000', note: 'x'.repeat(100_000) }, deadlineMs: 30_000 },
      },
    },
  ];
  for (const m of fromAgent) assert.deepEqual(sdkCodecs.AgentToTask.decode(agentCodecs.AgentToTask.encode(m).finish()), m);
});

test('gRPC message frames: split anywhere, read whole; a compressed one is refused', () => {
  const hello: sdkCodecs.TaskMsg = { msg: { $case: 'hello', hello: { taskId: 't', token: 'k', pid: 1, state: 'STANDBY' } } };
  const stream = Buffer.concat([grpcFrame(hello), grpcFrame(hello)]);
  const deframer = new GrpcDeframer();
  const frames: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 3) frames.push(...deframer.push(stream.subarray(i, i + 3)));
  assert.deepEqual(
    frames.map((f) => sdkCodecs.TaskMsg.decode(f)),
    [hello, hello],
  );
  const compressed = grpcFrame(hello);
  compressed[0] = 1;
  assert.throws(() => new GrpcDeframer().push(compressed), /compressed message/);
});
