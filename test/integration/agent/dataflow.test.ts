// Real data between demo programs: readout -> builder -> sink, counted per channel in heartbeats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { PROGRAMS, readLogs, setup, spec } from './harness.js';

const prog = (taskId: string, name: string, binds: string[] = []) =>
  spec({
    taskId,
    args: [path.join(PROGRAMS, `${name}.js`)],
    binds: binds.map((b) => ({ name: b, type: 'push', transport: b === 'out' && name === 'builder' ? 'unix' : 'tcp' })),
  });

test('frames flow from a readout through a builder to a sink and the qc check', async (t) => {
  const { ctl, logs } = await setup(t);
  const ups = await ctl.launch([
    prog('env-d/readout-0', 'readout', ['out']),
    prog('env-d/builder', 'builder', ['out']),
    prog('env-d/sink', 'sink'),
    prog('env-d/qc', 'qc-check'),
  ]);
  assert.ok(
    ups.every((u) => u.kind === 'launched'),
    JSON.stringify(ups.map((u) => u.error?.message)),
  );
  const addr = (id: string, ch: string) => ups.find((u) => u.taskId === id)!.addresses[ch]!;
  const ro = addr('env-d/readout-0', 'out');
  const bo = addr('env-d/builder', 'out');
  assert.match(bo, /^unix:\/\//);
  const conf = await ctl.transition('CONFIGURE', [
    { taskId: 'env-d/readout-0', args: { 'chan.out.bind': ro, 'chan.out.type': 'push', payload_bytes: '2048', rate_hz: '200' } },
    { taskId: 'env-d/builder', args: { 'chan.in.connect': ro, 'chan.in.type': 'pull', 'chan.out.bind': bo, 'chan.out.type': 'push' } },
    { taskId: 'env-d/sink', args: { 'chan.in.connect': bo, 'chan.in.type': 'pull' } },
    { taskId: 'env-d/qc', args: { 'chan.in.connect': bo, 'chan.in.type': 'pull' } },
  ]);
  assert.ok(
    conf.every((u) => u.ok),
    JSON.stringify(conf.map((u) => u.error?.message)),
  );
  const all = ['env-d/readout-0', 'env-d/builder', 'env-d/sink', 'env-d/qc'].map((taskId) => ({ taskId, args: { run_number: '5' } }));
  const start = await ctl.transition('START', all);
  assert.ok(start.every((u) => u.ok && u.state === 'RUNNING'));

  const counted = (id: string, ch: string) => (hb: (typeof ctl.heartbeats)[number]) =>
    hb.tasks.find((x) => x.taskId === id)?.channels.find((c) => c.channel === ch);
  const sinkIn = await ctl.waitFor(() => ctl.heartbeats.map(counted('env-d/sink', 'in')).find((c) => c && c.messages > 0), 15_000, 'sink counters');
  assert.ok(sinkIn.bytes >= sinkIn.messages * 2048);
  const hb = ctl.heartbeats[ctl.heartbeats.length - 1]!;
  const ro2 = hb.tasks.find((x) => x.taskId === 'env-d/readout-0')!;
  assert.ok(ro2.channels[0]!.messages > 0);
  assert.ok(ro2.rssBytes > 0, 'rss sampled from /proc');

  const stop = await ctl.transition('STOP', all);
  assert.ok(stop.every((u) => u.ok && u.state === 'CONFIGURED'));
  const lines = await readLogs(logs, { taskId: 'env-d/readout-0' });
  assert.ok(lines.includes('readout-0: run 5 started'), lines.join('\n'));
  const qc = await readLogs(logs, { taskId: 'env-d/qc', grep: 'stopped' });
  assert.match(qc[0]!, /qc: run 5 stopped: [1-9]\d* frames ok, 0 bad/);
  const exit = await ctl.transition('EXIT', all);
  assert.ok(exit.every((u) => u.ok && u.state === 'DONE'));
});
