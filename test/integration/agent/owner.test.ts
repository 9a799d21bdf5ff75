// An agent belongs to the controller of its first session (recorded in its home): another
// controller's session is refused naming the owner and leaves the owner's session alone; an
// explicit takeover moves it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent } from '../../../core/agent/main.js';
import { fromServiceError } from '../../../core/rpc/errors.js';
import { TestController, startTestAgent } from './harness.js';

test('a second controller is refused naming the owner; the owner session goes on; takeover is explicit and persists', async (t) => {
  const { home, agent, opts } = await startTestAgent();
  let current = agent;
  const sessions: TestController[] = [];
  t.after(async () => {
    for (const s of sessions) s.close();
    await current.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  const ownerFile = path.join(home, 'agents', 'n1', 'owner.json');
  const a = await TestController.open(current.address, undefined, 'ctl-a');
  sessions.push(a);
  assert.equal(a.hello?.owner, 'ctl-a');
  assert.equal(JSON.parse(fs.readFileSync(ownerFile, 'utf8')).controllerId, 'ctl-a');

  const b = new TestController(a.client);
  sessions.push(b);
  b.send({ msg: { $case: 'welcome', welcome: { controllerId: 'ctl-b', node: 'n1', takeOver: false, batchAnswers: false, batchExits: false } } });
  await b.waitFor(() => b.ended, 10_000, 'the refusal').catch(() => {});
  assert.ok(b.ended && b.error, 'the session of ctl-b is refused');
  const refusal = fromServiceError(b.error);
  assert.equal(refusal.code, 'ALREADY_OWNED');
  assert.equal(refusal.detail.data?.owner, 'ctl-a');
  assert.match(refusal.message, /belongs to controller ctl-a/);
  assert.equal(b.hello, null, 'no Hello (no task list) for a foreign controller');

  // the owner's session is untouched: heartbeats keep coming on it
  const seen = a.heartbeats.length;
  await a.waitFor(() => a.heartbeats.length > seen, 5000, 'a heartbeat after the refusal');
  assert.equal(a.ended, false);

  // (the heartbeat's loop-delay figure has its own test: loop-lag.test.ts)

  // explicit takeover: recorded, the former owner's session ends
  const b2 = await TestController.open(current.address, undefined, 'ctl-b', true);
  sessions.push(b2);
  assert.equal(b2.hello?.owner, 'ctl-b');
  assert.equal(b2.hello?.takenFrom, 'ctl-a');
  await a.waitFor(() => a.ended, 5000, 'the former owner session ended');
  assert.equal(JSON.parse(fs.readFileSync(ownerFile, 'utf8')).controllerId, 'ctl-b');

  // the owner outlives the agent process
  await current.stop({ killTasks: false });
  current = await startAgent(opts);
  await assert.rejects(TestController.open(current.address, undefined, 'ctl-a'), /belongs to controller ctl-b/);
  const back = await TestController.open(current.address, undefined, 'ctl-b');
  sessions.push(back);
  assert.equal(back.hello?.takenFrom, '');
});
