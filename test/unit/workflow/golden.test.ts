// Golden tests of expansion: nested iterators, includes, disabled roles, var precedence,
// relative/glob/absolute channel targets, hooks, sim behaviour. Each case's render plan (paths
// made portable) must equal test/fixtures/templates/golden/<case>.json.
// After an intended change: UPDATE_GOLDEN=1 node --test dist/test/unit/workflow/golden.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { renderPlan } from '../../../core/workflow/index.js';
import { ASSETS, GOLDEN, GOOD_REPO, loader, portable } from './helpers.js';

const cases: { name: string; workflow: string; vars?: Record<string, string>; about: string }[] = [
  { name: 'nested', workflow: 'nested', about: 'a for over a list inside a for over a range; the outer var used inside; nmin' },
  { name: 'nested-vars', workflow: 'nested', vars: { crates: '1', boards: 'x,yy' }, about: 'a list var given comma-separated' },
  { name: 'includes', workflow: 'includes', vars: { second: 'true' }, about: 'the same workflow included twice with its own vars' },
  { name: 'includes-targeted', workflow: 'includes', vars: { 'first.label': 'from-user', 'first.count': '1' }, about: 'user vars aimed at an include' },
  { name: 'disabled', workflow: 'disabled', about: 'disabled roles stay in the tree, without tasks or hooks' },
  { name: 'disabled-on', workflow: 'disabled', vars: { with_extra: 'true' }, about: 'the same, enabled by a var' },
  { name: 'precedence', workflow: 'precedence', about: 'role vars over workflow defaults over class defaults' },
  {
    name: 'precedence-user',
    workflow: 'precedence',
    vars: { rate: '6', 'group/inner.rate': '9', 'class-default.level': '4' },
    about: 'user vars (global and aimed at a role path) over role vars',
  },
  { name: 'channels', workflow: 'channels', about: 'relative (./ ../), glob (* **), absolute (/) and search-outward targets' },
  { name: 'hooks', workflow: 'hooks', about: 'call roles: triggers, weights, await, timeouts' },
  { name: 'sims', workflow: 'sims', about: 'sim behaviour from the class, overridden on the role' },
];

const update = process.env.UPDATE_GOLDEN === '1';

for (const c of cases) {
  test(`golden ${c.name}: ${c.about}`, async () => {
    const w = await loader([GOOD_REPO, ASSETS]).expand(c.workflow, c.vars ?? {});
    const got = portable({ about: c.about, vars: c.vars ?? {}, plan: renderPlan(w) }, { [GOOD_REPO]: '<repo>' });
    const file = path.join(GOLDEN, `${c.name}.json`);
    if (update) {
      fs.mkdirSync(GOLDEN, { recursive: true });
      fs.writeFileSync(file, JSON.stringify(got, null, 1) + '\n');
      return;
    }
    assert.ok(fs.existsSync(file), `${file} is missing (run with UPDATE_GOLDEN=1)`);
    assert.deepEqual(got, JSON.parse(fs.readFileSync(file, 'utf8')));
  });
}

// The goldens are data; these say in code what they must show, so a careless update is caught.
test('golden facts: precedence', async () => {
  const l = loader([GOOD_REPO, ASSETS]);
  const props = async (vars: Record<string, string>) =>
    Object.fromEntries((await l.expand('precedence', vars)).tasks.map((t) => [t.name, `${t.properties.level}/${t.properties.rate}`]));
  assert.deepEqual(await props({}), { 'class-default': '1/5', 'group/role-var': '3/7', 'group/inner/deepest': '3/8' });
  assert.deepEqual(
    await props({ rate: '6' }),
    { 'class-default': '1/6', 'group/role-var': '3/6', 'group/inner/deepest': '3/6' },
    'a user var wins over role vars all the way down',
  );
  assert.deepEqual(
    await props({ 'group.rate': '2' }),
    { 'class-default': '1/5', 'group/role-var': '3/2', 'group/inner/deepest': '3/2' },
    'a user var aimed at group applies to its subtree only',
  );
  assert.deepEqual(
    await props({ 'group/inner/deepest.level': '9' }),
    { 'class-default': '1/5', 'group/role-var': '3/7', 'group/inner/deepest': '9/8' },
    'a user var aimed at a task can set a class default',
  );
});

test('golden facts: nested iterators and includes', async () => {
  const l = loader([GOOD_REPO, ASSETS]);
  const n = await l.expand('nested', {});
  assert.deepEqual(
    n.tasks.map((t) => t.name),
    [
      'crate-0/board-a',
      'crate-0/board-b',
      'crate-0/board-c',
      'crate-0/pair-x0',
      'crate-0/pair-y0',
      'crate-1/board-a',
      'crate-1/board-b',
      'crate-1/board-c',
      'crate-1/pair-x1',
      'crate-1/pair-y1',
    ],
  );
  assert.deepEqual(
    n.tasks.filter((t) => t.className === 'worker').map((t) => [t.critical, t.properties.level]),
    [
      [true, '1'],
      [true, '1'],
      [true, '1'],
      [false, '11'],
      [false, '11'],
      [false, '11'],
    ],
  );
  const i = await l.expand('includes', {});
  const second = i.root.children[1];
  assert.equal(second.kind, 'include');
  assert.equal(second.enabled, false);
  assert.ok(
    second.children[0].children.every((c) => !c.enabled),
    'children of a disabled include are disabled',
  );
  assert.deepEqual(
    i.tasks.map((t) => [t.name, t.properties.label]),
    [
      ['first/w-0', 'first'],
      ['first/w-1', 'first'],
    ],
  );
});
