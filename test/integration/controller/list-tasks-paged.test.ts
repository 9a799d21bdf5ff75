// ListTasks as the console's task table uses it: a window (offset/limit) of the tasks matching a
// filter (search, display states, node, ids), sorted by the server, with the total matching and
// the environment's per-state counts and nodes; bad input refused with BAD_INPUT naming the field.
// A real controller with sim agents and the shipped sim-farm workflow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Environment, ListTasksRequest, type ListTasksReply } from '../../../core/rpc/gen/control.js';
import { BatonError } from '../../../core/model/errors.js';
import { call, createEnv, mustControl, startStack, type Stack } from './harness.js';

const TASKS = 240;
const AGENTS = 3;
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function list(stack: Stack, req: Partial<ListTasksRequest>): Promise<ListTasksReply> {
  return call(stack.client, 'listTasks', ListTasksRequest.fromPartial(req));
}

async function refused(p: Promise<unknown>, where: string): Promise<BatonError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BatonError, String(e));
    assert.equal(e.code, 'BAD_INPUT', e.message);
    assert.equal(e.detail.where, where, e.message);
    return e;
  }
  assert.fail(`expected BAD_INPUT on ${where}`);
}

test('ListTasks pages, filters and sorts on the server', async (t) => {
  const stack = await startStack({ simAgents: AGENTS });
  t.after(() => stack.stop());
  const env = await createEnv(stack.client, 'sim-farm', { tasks: String(TASKS) });
  const all = (await list(stack, { envId: env.id })).tasks;
  assert.equal(all.length, TASKS, 'limit 0: every task, as before the paging fields');
  const byName = [...all].sort((a, b) => collator.compare(a.name, b.name)).map((x) => x.name);

  await t.test('a window in name order (numeric-aware), with the totals', async () => {
    const page = await list(stack, { envId: env.id, offset: 100, limit: 25 });
    assert.deepEqual(
      page.tasks.map((x) => x.name),
      byName.slice(100, 125),
    );
    assert.equal(page.total, TASKS);
    assert.equal(page.envTasks, TASKS);
    assert.deepEqual(page.byDisplayState, { STANDBY: TASKS });
    assert.equal(page.nodes.length, AGENTS);
    const last = await list(stack, { envId: env.id, offset: TASKS - 5, limit: 25, descending: true });
    assert.deepEqual(
      last.tasks.map((x) => x.name),
      [...byName].reverse().slice(TASKS - 5),
    );
    const past = await list(stack, { envId: env.id, offset: TASKS + 10, limit: 25 });
    assert.deepEqual(past.tasks, []);
    assert.equal(past.total, TASKS, 'past the end: no rows, still the total');
  });

  await t.test('search, node and state filters, and a sort by node then name', async () => {
    const needle = byName[137]!;
    const found = await list(stack, { envId: env.id, search: needle.toUpperCase(), limit: 10 });
    assert.ok(found.tasks.some((x) => x.name === needle));
    assert.equal(found.total, found.tasks.length);
    assert.ok(
      found.tasks.every((x) => x.name.toLowerCase().includes(needle.toLowerCase())),
      'only names containing the search',
    );
    const node = found.tasks[0]!.node;
    const onNode = await list(stack, { envId: env.id, node, limit: 1000 });
    assert.equal(onNode.total, all.filter((x) => x.node === node).length);
    assert.ok(onNode.tasks.every((x) => x.node === node));
    const none = await list(stack, { envId: env.id, states: ['RUNNING', 'LOST'], limit: 10 });
    assert.equal(none.total, 0);
    assert.deepEqual(none.tasks, []);
    const sorted = await list(stack, { envId: env.id, sort: 'node', limit: 1000 });
    const expected = [...all].sort((a, b) => collator.compare(a.node, b.node) || collator.compare(a.name, b.name)).map((x) => x.id);
    assert.deepEqual(
      sorted.tasks.map((x) => x.id),
      expected,
    );
    const desc = await list(stack, { envId: env.id, sort: 'node', descending: true, limit: 1000 });
    const expectedDesc = [...all].sort((a, b) => collator.compare(b.node, a.node) || collator.compare(a.name, b.name)).map((x) => x.id);
    assert.deepEqual(
      desc.tasks.map((x) => x.id),
      expectedDesc,
      'descending by node, ties still by name ascending',
    );
  });

  await t.test('ids: the tasks named, in the environment asked', async () => {
    const ids = [all[5]!.id, all[77]!.id, 'no-such-task'];
    const got = await list(stack, { envId: env.id, ids, limit: 10 });
    assert.deepEqual(new Set(got.tasks.map((x) => x.id)), new Set(ids.slice(0, 2)));
    assert.equal(got.total, 2);
  });

  await t.test('states follow transitions', async () => {
    await mustControl(stack.client, env.id, 'DEPLOY', 60_000);
    await mustControl(stack.client, env.id, 'CONFIGURE', 60_000);
    const configured = await list(stack, { envId: env.id, states: ['CONFIGURED'], limit: 5 });
    assert.equal(configured.total, TASKS);
    assert.deepEqual(configured.byDisplayState, { CONFIGURED: TASKS });
    const byPid = await list(stack, { envId: env.id, sort: 'pid', limit: 1000 });
    const pids = byPid.tasks.map((x) => x.pid);
    assert.deepEqual(
      pids,
      [...pids].sort((a, b) => a - b),
    );
  });

  await t.test('the tree with its big containers collapsed, and their members by role', async () => {
    const whole: Environment = await call(stack.client, 'getEnvironment', { id: env.id, withTasks: false, withTree: true });
    const farm = whole.root!.children[0]!;
    assert.equal(farm.children.length, TASKS, 'without a limit: every task role');
    const e: Environment = await call(stack.client, 'getEnvironment', { id: env.id, withTasks: false, withTree: true, treeLeafLimit: 100 });
    assert.equal(e.tasks.length, 0);
    const collapsed = e.root!.children[0]!;
    assert.equal(collapsed.path, farm.path);
    assert.deepEqual(collapsed.children, [], 'over the limit: sent collapsed');
    assert.equal(collapsed.leaves, TASKS);
    assert.deepEqual(collapsed.leafStates, { CONFIGURED: TASKS });
    assert.equal(e.root!.leaves, 0, 'the root stays open');
    const members = await list(stack, { envId: env.id, role: collapsed.path, limit: 50, offset: 50 });
    assert.equal(members.total, TASKS);
    assert.deepEqual(
      members.tasks.map((x) => x.name),
      byName.slice(50, 100),
    );
    const one = await list(stack, { envId: env.id, role: collapsed.path, search: byName[7]!, limit: 50 });
    assert.ok(one.tasks.some((x) => x.name === byName[7]));
    await assert.rejects(list(stack, { envId: env.id, role: 'no/such/role', limit: 5 }), (err: BatonError) => err.code === 'NOT_FOUND');
    await refused(list(stack, { role: collapsed.path, limit: 5 }), 'role');
  });

  await t.test('bad input is refused, naming the field', async () => {
    await refused(list(stack, { envId: env.id, limit: 5001 }), 'limit');
    await refused(list(stack, { envId: env.id, sort: 'colour' }), 'sort');
    await refused(list(stack, { envId: env.id, ids: Array.from({ length: 1001 }, (_, i) => `t${i}`) }), 'ids');
    await assert.rejects(list(stack, { envId: 'nope', limit: 5 }), (e: BatonError) => e.code === 'NOT_FOUND');
  });
});
