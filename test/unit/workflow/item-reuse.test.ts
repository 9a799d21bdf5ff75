// A `for` over a task role builds a task spec once per distinct scope (expand/item-reuse.ts): the
// items whose spec does not depend on the item share the evaluated fields, and every item whose
// class, defaults, fields, constraints or aimed user vars make it differ still gets its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loader } from './helpers.js';
import type { TaskSpec } from '../../../core/workflow/types.js';

function repo(workflow: string, classes: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-reuse-'));
  fs.mkdirSync(path.join(dir, 'workflows'));
  fs.mkdirSync(path.join(dir, 'tasks'));
  fs.writeFileSync(path.join(dir, 'workflows', 'w.yaml'), workflow);
  for (const [name, text] of Object.entries(classes)) fs.writeFileSync(path.join(dir, 'tasks', `${name}.yaml`), `name: ${name}\n${text}`);
  return dir;
}

const PLAIN = 'driver: sim\ncontrol: controlled\ndefaults:\n  delay_ms: 5\nsim:\n  delay: "{{ delay_ms }}"\nargs: ["--delay", "{{ delay_ms }}"]\n';
const BY_ITEM = 'driver: sim\ncontrol: controlled\ndefaults:\n  port: "{{ 7000 + it }}"\nargs: ["--port", "{{ port }}"]\n';

function rest(s: TaskSpec): Omit<TaskSpec, 'name' | 'rolePath'> {
  const { name: _n, rolePath: _r, ...r } = s;
  return r;
}

test('items of a for whose spec does not depend on the item get equal specs but their own names', async (t) => {
  const dir = repo(
    `name: w
roles:
  - name: p-{{ it }}
    for: {range: 4, var: it}
    task: {class: plain}
`,
    { plain: PLAIN },
  );
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const x = await loader([dir]).expand('w', {});
  assert.deepEqual(
    x.tasks.map((s) => [s.name, s.rolePath]),
    [0, 1, 2, 3].map((i) => [`p-${i}`, `p-${i}`]),
  );
  for (const s of x.tasks) assert.deepEqual(rest(s), rest(x.tasks[0]!));
  assert.deepEqual(x.tasks[3]!.args, ['--delay', '5']);
  assert.equal(x.tasks[3]!.sim?.delayMs, 5);
});

test('an item-dependent class default, field or constraint gives each item its own spec', async (t) => {
  const dir = repo(
    `name: w
roles:
  - name: d-{{ it }}
    for: {range: 3, var: it}
    task: {class: byitem}
  - name: f-{{ it }}
    for: {range: 3, var: it}
    task: {class: plain, args: ["--n", "{{ it }}"]}
  - name: c-{{ it }}
    for: {range: 3, var: it}
    constraints: {rack: "r{{ it % 2 }}"}
    task: {class: plain}
  - name: v-{{ it }}
    for: {range: 3, var: it}
    vars: {delay_ms: "{{ it * 10 }}"}
    task: {class: plain}
`,
    { plain: PLAIN, byitem: BY_ITEM },
  );
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const x = await loader([dir]).expand('w', {});
  const by = Object.fromEntries(x.tasks.map((s) => [s.name, s]));
  assert.deepEqual(
    [0, 1, 2].map((i) => by[`d-${i}`]!.args),
    [0, 1, 2].map((i) => ['--port', String(7000 + i)]),
  );
  assert.deepEqual(
    [0, 1, 2].map((i) => by[`f-${i}`]!.args),
    [0, 1, 2].map((i) => ['--n', String(i)]),
  );
  assert.deepEqual(
    [0, 1, 2].map((i) => by[`c-${i}`]!.constraints.rack),
    ['r0', 'r1', 'r0'],
  );
  assert.deepEqual(
    [0, 1, 2].map((i) => by[`v-${i}`]!.args),
    [0, 1, 2].map((i) => ['--delay', String(i * 10)]),
  );
});

test('a user var aimed at one item changes that item only', async (t) => {
  const dir = repo(
    `name: w
roles:
  - name: p-{{ it }}
    for: {range: 3, var: it}
    task: {class: plain}
`,
    { plain: PLAIN },
  );
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const x = await loader([dir]).expand('w', { 'p-1.delay_ms': '40' });
  assert.deepEqual(
    x.tasks.map((s) => s.args),
    [
      ['--delay', '5'],
      ['--delay', '40'],
      ['--delay', '5'],
    ],
  );
});
