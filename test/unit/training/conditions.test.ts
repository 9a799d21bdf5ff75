// The conditions the new walkthroughs wait on: a dead controller (nothing else is known then),
// who holds the environment, and a node's schedule, also once its environment ended (a drained
// node is judged after EXIT, when the role's task is gone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, holds } from '../../../core/training/conditions.js';
import type { LiveView } from '../../../core/training/live.js';
import { Environment, Node, Task } from '../../../core/rpc/gen/control.js';

function view(over: Partial<LiveView> = {}): LiveView {
  const env = Environment.fromPartial({
    id: 'env-1',
    state: 'RUNNING',
    runNumber: 7,
    holder: 'alice',
    tasks: [Task.fromPartial({ id: 'env-1/alpha', name: 'alpha', role: 'alpha', node: 'agent-1', state: 'RUNNING' })],
  });
  return {
    env,
    nodes: [Node.fromPartial({ name: 'agent-1', up: true, schedule: 'draining' }), Node.fromPartial({ name: 'agent-2', up: true, schedule: '' })],
    lastRun: 7,
    controllerUp: true,
    me: 'alice',
    placed: { alpha: 'agent-1' },
    ...over,
  };
}

test('while the controller is down only controller and answer conditions can hold', () => {
  const down = view({ controllerUp: false });
  assert.equal(holds({ controller: { up: false } }, { view: down, events: [] }), true);
  assert.equal(holds({ env: { state: 'RUNNING' } }, { view: down, events: [] }), false, 'the last view seen is not trusted');
  assert.equal(holds({ hold: { mine: true } }, { view: down, events: [] }), false);
  assert.equal(holds({ answer: { question: 'q', expect: 'controller' } }, { view: down, events: [], answer: 'controller' }), true);
  assert.equal(holds({ controller: { up: true } }, { view: view(), events: [] }), true);
  assert.equal(describe({ controller: { up: false } }), 'the controller gone');
});

test('hold: by a user, mine, free', () => {
  assert.equal(holds({ hold: { by: 'alice' } }, { view: view(), events: [] }), true);
  assert.equal(holds({ hold: { by: 'night-shift' } }, { view: view(), events: [] }), false);
  assert.equal(holds({ hold: { mine: true } }, { view: view({ me: 'bob' }), events: [] }), false);
  assert.equal(holds({ hold: { mine: true } }, { view: view(), events: [] }), true);
  const free = view();
  free.env.holder = '';
  assert.equal(holds({ hold: { free: true } }, { view: free, events: [] }), true);
  assert.equal(holds({ hold: { free: true } }, { view: view(), events: [] }), false);
});

test("a node's schedule, found by the role's task or, once the task is gone, where it was", () => {
  assert.equal(holds({ node: { of: 'alpha', schedule: 'draining' } }, { view: view(), events: [] }), true);
  assert.equal(holds({ node: { of: 'alpha', schedule: 'ready' } }, { view: view(), events: [] }), false);
  const ended = view();
  ended.env.tasks = [];
  assert.equal(holds({ node: { of: 'alpha', schedule: 'draining' } }, { view: ended, events: [] }), true, 'the node it was on');
  assert.equal(holds({ node: { of: 'beta', schedule: 'draining' } }, { view: ended, events: [] }), false, 'a role never placed has no node');
  const readyAgain = view({ nodes: [Node.fromPartial({ name: 'agent-1', up: true, schedule: '' })] });
  assert.equal(holds({ node: { of: 'alpha', schedule: 'ready' } }, { view: readyAgain, events: [] }), true, "an empty schedule is 'ready'");
});
