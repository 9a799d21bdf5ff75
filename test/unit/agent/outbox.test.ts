import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentMsg } from '../../../core/rpc/gen/agent.js';
import { Outbox } from '../../../core/agent/outbox.js';
import { makeUpdate } from '../../../core/agent/updates.js';

test('updates are batched (1000 a message) and BatchDone comes after them', async () => {
  const sent: AgentMsg[] = [];
  const o = new Outbox();
  o.setWriter((m) => sent.push(m));
  for (let i = 0; i < 2500; i++) o.push(makeUpdate(`t${i}`, 'state', { batchId: 1, ok: true }));
  assert.equal(sent.length, 2, 'two full messages at once');
  o.batchDone(1);
  assert.deepEqual(
    sent.map((m) => m.msg!.$case),
    ['updates', 'updates', 'updates', 'batchDone'],
  );
  const counts = sent.slice(0, 3).map((m) => (m.msg as { updates: { items: unknown[] } }).updates.items.length);
  assert.deepEqual(counts, [1000, 1000, 500]);
  o.push(makeUpdate('late', 'event', {}));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(sent.length, 5, 'a lone update goes out after a few ms');
  o.setWriter(null);
  o.push(makeUpdate('dropped', 'event', {}));
  o.close();
});
