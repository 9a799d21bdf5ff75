// Answers by position (agent.proto BatchAnswers): a controller that says it understands them gets
// the plain answers of a sim agent as groups of positions; anything else stays a TaskUpdate, in
// the order it was said. A controller that does not say so (an older one) gets TaskUpdates only:
// the rest of the agent tests run as such a controller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { LaunchSpec } from '../../../core/rpc/gen/agent.js';
import { spec, startTestAgent, TestController } from './harness.js';

const simSpec = (taskId: string, extra: Partial<LaunchSpec> = {}, sim: Partial<NonNullable<LaunchSpec['sim']>> = {}): LaunchSpec =>
  spec({ taskId, driver: 'sim', command: '', sim: { delayMs: 0, failOn: '', failRate: 0, exitAfterMs: 0, ...sim }, ...extra });

async function open(t: { after(fn: () => unknown): void }, batchAnswers: boolean) {
  const env = await startTestAgent({ sim: true });
  const ctl = await TestController.open(env.agent.address, undefined, 'test', false, batchAnswers);
  t.after(async () => {
    ctl.close();
    await env.agent.stop();
    fs.rmSync(env.home, { recursive: true, force: true });
  });
  return ctl;
}

/** the positions answered in batch `batchId`, by state */
function positionsOf(ctl: TestController, batchId: number): Map<string, number[]> {
  const by = new Map<string, number[]>();
  for (const a of ctl.answers) {
    if (a.batchId !== batchId) continue;
    by.set(a.state, [...(by.get(a.state) ?? []), ...a.positions]);
  }
  return by;
}

test('answers by position: plain answers go as positions, the rest as TaskUpdates', async (t) => {
  const ctl = await open(t, true);
  const bound = { binds: [{ name: 'out', type: 'push', transport: 'tcp' }] };
  const launched = await ctl.launch([
    simSpec('e/a'),
    simSpec('e/b', bound),
    simSpec('e/c'),
    simSpec('e/fails', {}, { failOn: 'CONFIGURE' }),
    simSpec('e/a'), // the same id again: refused
  ]);
  // a launch with addresses says more than its state: a TaskUpdate; a refusal too
  assert.deepEqual(
    launched.map((u) => [u.taskId, u.kind]),
    [
      ['e/b', 'launched'],
      ['e/a', 'failed'],
    ],
  );
  assert.deepEqual(positionsOf(ctl, 1), new Map([['STANDBY', [0, 2, 3]]]));

  // positions are the items' indices in the batch as sent, whatever the agent does with them
  const conf = await ctl.transition(
    'CONFIGURE',
    ['e/fails', 'e/c', 'e/nobody', 'e/b', 'e/a'].map((taskId) => ({ taskId })),
  );
  assert.deepEqual(
    conf.map((u) => [u.taskId, u.ok, u.state]),
    [
      ['e/nobody', false, ''],
      ['e/fails', false, 'ERROR'],
    ],
  );
  assert.deepEqual(positionsOf(ctl, 2), new Map([['CONFIGURED', [1, 3, 4]]]));

  // EXIT: the answers, then each task's exit (an exit is a TaskUpdate, after its answer), which
  // names its task by the EXIT item's position too
  const before = ctl.msgs.length;
  const exit = await ctl.transition(
    'EXIT',
    ['e/b', 'e/a', 'e/c'].map((taskId) => ({ taskId })),
  );
  assert.deepEqual(positionsOf(ctl, 3), new Map([['DONE', [0, 1, 2]]]));
  const order = ctl.msgs.slice(before).map((m) => m.msg?.$case);
  assert.ok(order.indexOf('answers') < order.indexOf('updates'), order.join(','));
  assert.deepEqual(
    exit.map((u) => [u.kind, u.taskId, u.position, u.state, u.exit?.code]),
    [
      ['exited', '', 0, 'DONE', 0],
      ['exited', '', 1, 'DONE', 0],
      ['exited', '', 2, 'DONE', 0],
    ],
  );
});

test('answers by position go only to a controller that asked for them', async (t) => {
  const ctl = await open(t, false);
  const launched = await ctl.launch([simSpec('e/a'), simSpec('e/b')]);
  assert.deepEqual(
    launched.map((u) => [u.taskId, u.kind, u.state]),
    [
      ['e/a', 'launched', 'STANDBY'],
      ['e/b', 'launched', 'STANDBY'],
    ],
  );
  const conf = await ctl.transition('CONFIGURE', [{ taskId: 'e/b' }, { taskId: 'e/a' }]);
  assert.deepEqual(
    conf.map((u) => [u.taskId, u.ok, u.state]),
    [
      ['e/b', true, 'CONFIGURED'],
      ['e/a', true, 'CONFIGURED'],
    ],
  );
  assert.equal(ctl.answers.length, 0);
  await ctl.transition('EXIT', [{ taskId: 'e/a' }]);
  const exited = await ctl.exited('e/a');
  assert.equal(exited.position, undefined);
  assert.equal(exited.state, 'DONE');
});
