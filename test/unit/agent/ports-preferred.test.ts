// A relaunched task asks for the port it had (ChannelBind.port): it gets it when free, else any.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { PortAllocator } from '../../../core/agent/process/ports.js';

test('allocatePreferred gives the port asked for when free, another one when held or out of range', async (t) => {
  const ports = new PortAllocator(38100, 38119, 'pref');
  assert.equal(await ports.allocatePreferred(38110), 38110);
  const again = await ports.allocatePreferred(38110);
  assert.notEqual(again, 38110, 'held by this agent: another port');
  const outside = await ports.allocatePreferred(40000);
  assert.ok(outside >= 38100 && outside <= 38119);
  // held by someone else on the machine: probed, refused, another port
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(38115, '0.0.0.0', () => r()));
  t.after(() => srv.close());
  const busy = await ports.allocatePreferred(38115);
  assert.notEqual(busy, 38115);
  ports.release(38110);
  assert.equal(await ports.allocatePreferred(38110), 38110, 'released: taken again');
});
