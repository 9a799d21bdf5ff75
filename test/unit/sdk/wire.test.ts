// The SDK's hand-laid task.proto codec against the generated one (ts-proto + @bufbuild/protobuf):
// the same bytes out, the same objects in. If task.proto changes and the SDK does not, this fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentToTask, TaskMsg, type Transition } from '../../../core/rpc/gen/task.js';
import { decodeAgentToTask, encodeTaskMsg } from '../../../sdk/node/task-messages.js';
import { GrpcDeframer, grpcFrame } from '../../../sdk/node/grpc-stream.js';

const taskMsgs: TaskMsg[] = [
  { msg: { $case: 'hello', hello: { taskId: 't-1', token: 'tok', pid: 4242, state: 'STANDBY' } } },
  { msg: { $case: 'hello', hello: { taskId: '', token: '', pid: 0, state: '' } } },
  { msg: { $case: 'hello', hello: { taskId: 'x', token: 'y', pid: -7, state: 'RUNNING' } } },
  { msg: { $case: 'reply', reply: { seq: 2 ** 40 + 3, ok: true, state: 'CONFIGURED', error: '' } } },
  { msg: { $case: 'reply', reply: { seq: 1, ok: false, state: 'ERROR', error: 'détecteur: ошибка ⚡ '.repeat(50) } } },
  { msg: { $case: 'event', event: { kind: 'END_OF_STREAM', message: 'done', data: { a: '1', '': 'empty key', b: '' } } } },
  { msg: { $case: 'event', event: { kind: 'X', message: '', data: {} } } },
  { msg: { $case: 'counters', counters: { channels: [
    { channel: 'out', messages: 123456789, bytes: 2 ** 50, msgRate: 1234.5, byteRate: 0.25 },
    { channel: 'idle', messages: 0, bytes: 0, msgRate: 0, byteRate: 0 },
  ] } } },
  { msg: { $case: 'counters', counters: { channels: [] } } },
  { msg: undefined },
];

test('every TaskMsg the SDK writes is byte for byte what the generated encoder writes', () => {
  for (const m of taskMsgs) {
    const mine = encodeTaskMsg(m);
    assert.deepEqual(mine, Buffer.from(TaskMsg.encode(m).finish()), JSON.stringify(m).slice(0, 80));
    assert.deepEqual(TaskMsg.decode(mine), m);
  }
});

test('every Transition the agent sends is read back whole', () => {
  const ts: Transition[] = [
    { seq: 1, event: 'CONFIGURE', args: { 'chan.out.bind': 'tcp://127.0.0.1:5000', env_id: 'e-ü', big: 'x'.repeat(100_000) }, deadlineMs: 30_000 },
    { seq: 2 ** 45, event: 'START', args: { run_number: '17' }, deadlineMs: 0 },
    { seq: 0, event: '', args: {}, deadlineMs: 4_294_967_295 },
  ];
  for (const t of ts) {
    const bytes = Buffer.from(AgentToTask.encode({ msg: { $case: 'transition', transition: t } }).finish());
    assert.deepEqual(decodeAgentToTask(bytes), { msg: { $case: 'transition', transition: t } });
  }
  assert.deepEqual(decodeAgentToTask(Buffer.alloc(0)), { msg: undefined });
  const welcome = Buffer.from(AgentToTask.encode({ msg: { $case: 'welcome', welcome: {} } }).finish());
  assert.deepEqual(decodeAgentToTask(welcome), { msg: { $case: 'welcome', welcome: {} } });
});

test('fields a newer agent adds are stepped over; a torn message throws', () => {
  const t: Transition = { seq: 9, event: 'RESET', args: { k: 'v' }, deadlineMs: 5 };
  const inner = Buffer.from(AgentToTask.encode({ msg: { $case: 'transition', transition: t } }).finish());
  // field 15 varint, field 16 fixed64, field 17 bytes, field 18 fixed32 before the known field
  const unknown = Buffer.from([0x78, 0x96, 0x01, 0x81, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0x8a, 0x01, 2, 0xaa, 0xbb, 0x95, 0x01, 1, 2, 3, 4]);
  assert.deepEqual(decodeAgentToTask(Buffer.concat([unknown, inner])).msg, { $case: 'transition', transition: t });
  assert.throws(() => decodeAgentToTask(inner.subarray(0, inner.length - 2)), /runs past the end|truncated/);
  assert.throws(() => decodeAgentToTask(Buffer.from([0x0b])), /wire type 3 is not supported/);
});

test('gRPC messages survive any chunking; a compressed or oversized one is refused', () => {
  const msgs = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70_000, 7), Buffer.from('last')];
  const stream = Buffer.concat(msgs.map(grpcFrame));
  for (const step of [1, 7, 333, stream.length]) {
    const d = new GrpcDeframer();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += step) out.push(...d.push(stream.subarray(i, i + step)));
    assert.deepEqual(out, msgs);
  }
  assert.throws(() => new GrpcDeframer().push(Buffer.from([1, 0, 0, 0, 1, 9])), /compressed/);
  assert.throws(() => new GrpcDeframer().push(Buffer.from([0, 0xff, 0xff, 0xff, 0xff])), /over the/);
});
