// The restart policy in templates: from the role's task:, the role or the class (in that order),
// defaults for what is not given, and a located error for every bad value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loader } from './helpers.js';

function repo(workflow: string, cls = ''): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-restart-'));
  fs.mkdirSync(path.join(dir, 'workflows'));
  fs.mkdirSync(path.join(dir, 'tasks'));
  fs.writeFileSync(path.join(dir, 'workflows', 'w.yaml'), workflow);
  fs.writeFileSync(path.join(dir, 'tasks', 'job.yaml'), `name: job\ndriver: sim\ncontrol: controlled\n${cls}`);
  return dir;
}

test('restart: the role task: wins over the role, the role over the class; defaults fill the rest', async (t) => {
  const dir = repo(
    `name: w
roles:
  - name: a
    task: {class: job}
  - name: b
    restart: {max: 5}
    task: {class: job}
  - name: c
    restart: {max: 5}
    task: {class: job, restart: {policy: never}}
  - name: d-{{ it }}
    for: {range: 2, var: it}
    restart: {policy: on-failure, within: 30s}
    task: {class: job}
`,
    'restart: {policy: on-failure, max: 2, within: 1m}\n',
  );
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const x = await loader([dir]).expand('w', {});
  const by = Object.fromEntries(x.tasks.map((s) => [s.name, s.restart]));
  assert.deepEqual(by.a, { policy: 'on-failure', max: 2, withinMs: 60_000 });
  assert.deepEqual(by.b, { policy: 'on-failure', max: 5, withinMs: 600_000 });
  assert.equal(by.c, undefined);
  assert.deepEqual(by['d-0'], { policy: 'on-failure', max: 3, withinMs: 30_000 });
  assert.deepEqual(by['d-1'], by['d-0']);
});

test('bad restart values are located errors of lint', async (t) => {
  const dir = repo(`name: w
roles:
  - name: a
    restart: {policy: sometimes}
    task: {class: job}
  - name: b
    restart: {max: 0, within: soon}
    task: {class: job}
  - name: c
    restart: {policy: "{{ 'maybe' }}"}
    task: {class: job}
  - name: g
    restart: {max: 2}
    roles: []
`);
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const d = await loader([dir]).lint(path.join(dir, 'workflows', 'w.yaml'));
  assert.deepEqual(
    d.map((x) => `${x.line}:${x.reason}`),
    ['4:schema', '7:schema', '7:schema'],
  );
  assert.match(d[0]!.message, /restart\.policy: must be on-failure, never or an \{\{ expression \}\}/);
  // what the schema cannot see (an expression's value, restart on a role without a task) expansion finds
  const fixed = fs
    .readFileSync(path.join(dir, 'workflows', 'w.yaml'), 'utf8')
    .replace('policy: sometimes', 'policy: on-failure')
    .replace('max: 0, within: soon', 'max: 1');
  const e = await loader([dir]).lint(path.join(dir, 'workflows', 'w.yaml'), fixed);
  assert.deepEqual(
    e.map((x) => `${x.line}:${x.col}:${x.reason}`),
    ['10:23:range', '13:14:role'],
  );
  assert.match(e[0]!.message, /restart\.policy must be one of on-failure, never, got "maybe"/);
  assert.match(e[1]!.message, /restart belongs on task roles/);
});
