import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { PortAllocator } from '../../../core/agent/process/ports.js';

test('ports come from the range, are not handed out twice, and come back when released', async () => {
  const a = new PortAllocator(32100, 32104, 'n1');
  const got = new Set<number>();
  for (let i = 0; i < 5; i++) got.add(await a.allocate(false));
  assert.equal(got.size, 5);
  assert.ok([...got].every((p) => p >= 32100 && p <= 32104));
  await assert.rejects(a.allocate(false), /no free port/);
  a.release(32102);
  assert.equal(await a.allocate(false), 32102);
});

test('a port somebody else listens on is skipped', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(32110, '0.0.0.0', r));
  try {
    const a = new PortAllocator(32110, 32111);
    assert.equal(await a.allocate(), 32111);
    await assert.rejects(a.allocate(), /no free port/);
  } finally {
    srv.close();
  }
});

test('reserve marks ports of adopted tasks as used', async () => {
  const a = new PortAllocator(32120, 32121);
  a.reserve(32120);
  assert.equal(await a.allocate(false), 32121);
});
