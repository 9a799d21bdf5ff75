// A relaunched task asks for the port it had (ChannelBind.port): it gets it when free, else any.
// Ports below the kernel's ephemeral range (32768 up): one inside it was once taken by an outgoing
// connection of a test beside this one, and the port "asked for when free" was not free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { PortAllocator } from '../../../core/agent/process/ports.js';

test('allocatePreferred gives the port asked for when free, another one when held or out of range', async (t) => {
  const ports = new PortAllocator(32130, 32149, 'pref');
  assert.equal(await ports.allocatePreferred(32140), 32140);
  const again = await ports.allocatePreferred(32140);
  assert.notEqual(again, 32140, 'held by this agent: another port');
  const outside = await ports.allocatePreferred(40000);
  assert.ok(outside >= 32130 && outside <= 32149);
  // held by someone else on the machine: probed, refused, another port
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(32145, '0.0.0.0', () => r()));
  t.after(() => srv.close());
  const busy = await ports.allocatePreferred(32145);
  assert.notEqual(busy, 32145);
  ports.release(32140);
  assert.equal(await ports.allocatePreferred(32140), 32140, 'released: taken again');
});
