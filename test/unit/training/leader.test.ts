// Fail-over in walkthroughs: the leader condition judged on the live view, the {{leader}}
// placeholder, the lint that a walkthrough using them asks for a cluster stack, and the refusal to
// run one on a stack of one controller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, holds } from '../../../core/training/conditions.js';
import { assertClusterStack } from '../../../core/training/leader.js';
import type { LiveView } from '../../../core/training/live.js';
import { parseWalkthrough } from '../../../core/training/load.js';
import { Environment } from '../../../core/rpc/gen/control.js';

function view(cluster?: LiveView['cluster'], controllerUp = true): LiveView {
  return {
    env: Environment.fromPartial({ id: 'env-1', state: 'RUNNING', runNumber: 3 }),
    nodes: [],
    lastRun: 3,
    controllerUp,
    me: 'alice',
    placed: {},
    cluster,
  };
}

test('leader changed holds once another controller leads than at the start; followers counts the live others', () => {
  const changed = { leader: { changed: true } };
  assert.equal(holds(changed, { view: view({ leader: 'controller-1', firstLeader: 'controller-1', followers: 2 }), events: [] }), false);
  assert.equal(holds(changed, { view: view({ leader: 'controller-2', firstLeader: 'controller-1', followers: 1 }), events: [] }), true);
  assert.equal(holds(changed, { view: view(), events: [] }), false, 'a stack of one controller has no leader to change');
  assert.equal(holds(changed, { view: view({ leader: 'controller-2', firstLeader: 'controller-1', followers: 1 }, false), events: [] }), false);
  const repaired = { leader: { followers: 2 } };
  assert.equal(holds(repaired, { view: view({ leader: 'controller-2', firstLeader: 'controller-1', followers: 1 }), events: [] }), false);
  assert.equal(holds(repaired, { view: view({ leader: 'controller-2', firstLeader: 'controller-1', followers: 2 }), events: [] }), true);
  assert.equal(describe({ leader: { changed: true, followers: 2 } }), 'another controller leading, 2 followers alive');
});

test('an answer of {{leader}} is checked against the controller leading now', () => {
  const c = { answer: { question: 'Which controller leads now?', expect: '{{leader}}' } };
  const v = view({ leader: 'controller-3', firstLeader: 'controller-1', followers: 1 });
  assert.equal(holds(c, { view: v, events: [], answer: 'controller-3' }), true);
  assert.equal(holds(c, { view: v, events: [], answer: 'controller-1' }), false);
});

const clusterWalkthrough = (stack: string) => `title: Fail-over
audience: shifter
summary: s
stack: {workflow: training-demo, start_at: RUNNING${stack}}
steps:
  - title: a
    instructions: b
    faults:
      - {kill_leader: {}}
    done: {leader: {changed: true}}
    trainee:
      - wait_for: {leader: {changed: true}}
debrief: d
`;

test('kill_leader and the leader condition need stack.controllers: the lint says so where', () => {
  const bad = parseWalkthrough('f.yaml', clusterWalkthrough(''));
  assert.equal(bad.walkthrough, null);
  assert.match(bad.diagnostics[0]!.message, /stack\.controllers: kill_leader, a leader condition and \{\{leader\}\} need a cluster stack/);
  assert.equal(bad.diagnostics[0]!.line, 4);
  const good = parseWalkthrough('f.yaml', clusterWalkthrough(', controllers: 3'));
  assert.deepEqual(good.diagnostics, []);
  assert.equal(good.walkthrough!.stack.controllers, 3);
  const tooMany = parseWalkthrough('f.yaml', clusterWalkthrough(', controllers: 5'));
  assert.match(tooMany.diagnostics[0]!.message, /controllers/);
});

test('a cluster walkthrough on a stack of one controller is refused, saying how to start a cluster', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-leader-'));
  try {
    const w = parseWalkthrough('f.yaml', clusterWalkthrough(', controllers: 3')).walkthrough!;
    assert.throws(
      () => assertClusterStack(w, home),
      (e: Error & { code?: string }) => e.code === 'BAD_INPUT' && /needs a stack of 3 controllers .* baton local up --training --controllers 3/.test(e.message),
    );
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
