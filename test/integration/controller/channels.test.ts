// daq-chain with real sockets: the controller resolves every connect to the bound addresses at
// CONFIGURE, and once RUNNING every channel of the graph shows a live rate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEnv, getEnv, mustControl, startStack, waitFor } from './harness.js';
import type { Environment } from '../../../core/rpc/gen/control.js';

test('daq-chain RUNNING shows non-zero rates on every channel, with resolved addresses', async (t) => {
  const stack = await startStack({ realAgents: 2, labels: { zone: 'upstream' } });
  t.after(() => stack.stop());
  const c = stack.client;
  const env = await createEnv(c, 'daq-chain', { readouts: '2', rate: '200', payload_bytes: '256' });
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  let e: Environment = await getEnv(c, env.id, true, true);
  const edges = e.graph!.edges;
  // readout-0, readout-1 -> builder; builder -> qc, sink
  assert.equal(edges.length, 4);
  for (const x of edges) assert.match(x.from!.address, /^(tcp|unix):\/\//, `${x.from!.role}:${x.from!.channel} has an address`);
  const builder = e.tasks.find((x) => x.name === 'builder')!;
  assert.ok(Object.keys(builder.addresses).length > 0, 'the builder reports its bound address');

  await mustControl(c, env.id, 'START_ACTIVITY');
  e = await waitFor(
    async () => {
      const x = await getEnv(c, env.id, false, true);
      return x.graph!.edges.every((g) => g.msgRate > 0 && g.byteRate > 0) && x;
    },
    15_000,
    'a live rate on every channel',
  );
  for (const g of e.graph!.edges) assert.ok(g.msgRate > 0, `${g.from!.role} -> ${g.to!.role}: ${g.msgRate} msg/s`);
  await mustControl(c, env.id, 'STOP_ACTIVITY');
  await mustControl(c, env.id, 'EXIT');
});
