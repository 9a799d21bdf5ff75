// Exclusive claims on a real controller: a second environment claiming a detector another one
// holds is refused at create naming the holder and that environment, and nothing of it is left;
// a claim may follow a var; the claim goes with the environment's destroy; a node claim keeps
// other environments' tasks off the node; claims come back after a controller restart; lint
// locates a bad `claims`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ControlClient, Environment, LintTemplateReply, ListEnvironmentsReply } from '../../../core/rpc/gen/control.js';
import { call, getEnv, waitFor } from '../controller/harness.js';
import { startUsersStack, type UsersStack, createAs, refused } from './users.js';

const create = createAs;
const destroy = (c: ControlClient, id: string) => call<unknown, Environment>(c, 'destroyEnvironment', { id, force: true });
const count = async (c: ControlClient) => (await call<unknown, ListEnvironmentsReply>(c, 'listEnvironments', {})).environments.length;

describe('exclusive claims', { timeout: 120_000 }, () => {
  let s: UsersStack;
  let alice: ControlClient;
  let bob: ControlClient;

  before(async () => {
    s = await startUsersStack();
    alice = s.as('alice');
    bob = s.as('bob');
  });
  after(() => s?.stop());

  it('refuses a second environment claiming a held detector, naming the holder and its environment', async () => {
    const tpc = await create(alice, 'tpc');
    assert.deepEqual(tpc.claimedDetectors, ['TPC']);
    const e = await refused(create(bob, 'tpc-its'));
    assert.equal(e.code, 'HELD');
    assert.match(e.message, new RegExp(`detector TPC is claimed by environment ${tpc.id} \\(tpc\\), held by alice since .* UTC`));
    assert.equal(e.detail.data?.holder, 'alice');
    assert.equal(e.detail.data?.env, tpc.id);
    assert.equal(await count(bob), 1, 'the refused environment left nothing behind');

    // a claim that follows a var: ITS is free, TPC is not
    const its = await create(bob, 'one-detector', { detector: 'ITS' });
    assert.deepEqual(its.claimedDetectors, ['ITS']);
    const again = await refused(create(bob, 'one-detector', { detector: 'TPC' }));
    assert.equal(again.detail.data?.holder, 'alice');
    await destroy(bob, its.id);

    // the claim goes with the environment
    await destroy(alice, tpc.id);
    const second = await create(bob, 'tpc-its');
    assert.deepEqual([...second.claimedDetectors].sort(), ['ITS', 'TPC']);
    await destroy(bob, second.id);
  });

  it('a node claim keeps other environments off its nodes, and waits for the nodes to be free', async () => {
    const plain = await create(alice, 'plain');
    const busy = await refused(create(bob, 'whole-farm'));
    assert.equal(busy.code, 'HELD');
    assert.match(busy.message, new RegExp(`node \\S+ runs tasks of environment ${plain.id} \\(plain\\), held by alice`));
    await destroy(alice, plain.id);

    const farm = await create(bob, 'whole-farm');
    assert.equal(farm.claimedNodes.length, 1);
    const off = await refused(create(alice, 'plain'));
    assert.equal(off.code, 'PLACEMENT', 'no node is left for the tasks of another environment');
    const twice = await refused(create(alice, 'whole-farm'));
    assert.equal(twice.code, 'HELD');
    assert.equal(twice.detail.data?.holder, 'bob');
    assert.equal(twice.detail.data?.env, farm.id);

    // after a restart the claim is rebuilt from the stored workflow
    await s.stack.stopController();
    await s.stack.restartController();
    await waitFor(async () => (await getEnv(bob, farm.id, false)).claimedNodes.length === 1, 15_000, 'the restored claim');
    const afterRestart = await refused(create(alice, 'whole-farm'));
    assert.equal(afterRestart.detail.data?.holder, 'bob');
    await destroy(bob, farm.id);
    const mine = await create(alice, 'whole-farm');
    await destroy(alice, mine.id);
  });

  it('lint locates a bad claims field', async () => {
    const content = [
      'name: bad-claims',
      'claims:',
      '  detectors: [TPC, TPC, "no spaces"]',
      '  nodes: {}',
      '  detector: ITS',
      'roles:',
      '  - name: s',
      '    task: {class: sim}',
      '',
    ].join('\n');
    const lintOf = async (text: string) =>
      (await call<unknown, LintTemplateReply>(alice, 'lintTemplate', { path: 'workflows/bad-claims.yaml', content: text, repo: '' })).diagnostics;
    const unknown = await lintOf(content);
    const field = unknown.find((d) => /unknown field "detector"/.test(d.message));
    assert.ok(field, JSON.stringify(unknown));
    assert.equal(field.line, 5);
    const rest = await lintOf(content.replace('  detector: ITS\n', ''));
    const twice = rest.find((d) => /names TPC twice/.test(d.message));
    assert.ok(twice, JSON.stringify(rest));
    assert.deepEqual([twice.line, twice.col], [3, 20]);
    assert.ok(rest.some((d) => /"no spaces" is not a detector name/.test(d.message) && d.line === 3));
    assert.ok(rest.some((d) => /claims.nodes must name at least one label/.test(d.message) && d.line === 4));
  });
});
