import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentMsg } from '../../../core/rpc/gen/agent.js';
import { FLUSH_BURST, Outbox } from '../../../core/agent/outbox.js';
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

test('a burst of updates said in one turn leaves at the end of that turn, in one message', async () => {
  const sent: AgentMsg[] = [];
  const o = new Outbox();
  o.setWriter((m) => sent.push(m));
  // e.g. the answers of a slice of exits handled together: on their way while the next slice is handled
  for (let i = 0; i < FLUSH_BURST + 50; i++) o.push(makeUpdate(`t${i}`, 'state', { batchId: 1, ok: true }));
  assert.equal(sent.length, 0, 'nothing is sent inside the turn that said it');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    sent.map((m) => (m.msg as { updates: { items: unknown[] } }).updates.items.length),
    [FLUSH_BURST + 50],
    'one message at the end of the turn, without waiting for the flush timer',
  );
  o.close();
});

test('answers with exits go by position only to a controller that reads them, each group all with exits or none, in order', () => {
  const sent: AgentMsg[] = [];
  const o = new Outbox();
  const exit = (code: number, signal = '') => ({ exited: true, code, signal, timeMs: 1_000 + code });
  // a controller that reads answers by position but not their exits
  o.setWriter((m) => sent.push(m), true, false);
  o.opened(7);
  assert.equal(o.answersByPosition(7), true);
  assert.equal(o.exitsByPosition(7), false);
  // one that reads both
  o.setWriter((m) => sent.push(m), true, true);
  assert.equal(o.exitsByPosition(7), false, 'a batch of an earlier session is answered by id');
  o.opened(8);
  assert.equal(o.exitsByPosition(8), true);
  o.answeredExit(8, 0, 'DONE', exit(-1, 'SIGTERM'));
  o.answeredExit(8, 2, 'DONE', exit(0));
  o.answered(8, 1, 'DONE');
  o.answeredExit(8, 3, 'DONE', exit(-1, 'SIGKILL'));
  o.flush();
  assert.deepEqual(
    sent.map((m) => (m.msg?.$case === 'answers' ? m.msg.answers : null)),
    [
      { batchId: 8, state: 'DONE', positions: [0, 2], exitCodes: [-1, 0], exitSignals: ['SIGTERM', ''], exitTimesMs: [999, 1_000] },
      { batchId: 8, state: 'DONE', positions: [1], exitCodes: [], exitSignals: [], exitTimesMs: [] },
      { batchId: 8, state: 'DONE', positions: [3], exitCodes: [-1], exitSignals: ['SIGKILL'], exitTimesMs: [999] },
    ],
  );
  // neither field: no answers by position at all
  o.setWriter((m) => sent.push(m));
  o.opened(9);
  assert.deepEqual([o.answersByPosition(9), o.exitsByPosition(9)], [false, false]);
  o.close();
});
