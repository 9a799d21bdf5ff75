// `baton run show|comment` and environment names through the real `baton` command, against a
// real controller and agent: a run started by alice and stopped by bob shows both names, the
// configuration snapshot and the end reason. alice and bob are users of the controller
// (controller/run-users.ts); alice hands the environment over to bob with `env release`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, tempRepo, type Stack } from '../controller/harness.js';
import { addRunUsers } from '../controller/run-users.js';
import { tokenOf } from '../locks/users.js';
import { baton, json, ok, tempHome } from './harness.js';

const WORKFLOW = `
name: cosmics
description: two demo tasks
vars:
  message: {type: string, default: "hello"}
roles:
  - name: alpha
    task: {class: demo, critical: true, properties: {message: "{{ message }}"}}
  - name: beta
    task: {class: demo, critical: false}
`;

let stack: Stack;
let home: string;
let repo: string;
const as = (token: string) => ({ env: { BATON_CONTROLLER: stack.ctl.address, BATON_TOKEN: token } });
const alice = () => as(tokenOf('alice'));
const bob = () => as(tokenOf('bob'));

before(async () => {
  home = tempHome();
  repo = tempRepo(home, { 'workflows/cosmics.yaml': WORKFLOW });
  stack = await startStack({ home, realAgents: 1, labels: { detector: 'MUON' } });
  await addRunUsers(stack);
});
after(async () => {
  await stack?.stop();
});

test('a run started by alice and stopped by bob: run show names both, the snapshot and the end reason', async () => {
  const env = await json(
    home,
    ['env', 'create', 'cosmics', '--repo', repo, '--var', 'message=night shift', '--name', 'Night cosmics', '--run-type', 'COSMICS'],
    alice(),
  );
  assert.equal(env.name, 'Night cosmics');
  assert.equal(env.runType, 'COSMICS');
  const list = await ok(home, ['env', 'list'], alice());
  assert.match(list.stdout, /NAME/);
  assert.match(list.stdout, new RegExp(`${env.id}\\s+Night cosmics\\s+cosmics`));
  await ok(home, ['env', 'control', env.id, 'DEPLOY'], alice());
  await ok(home, ['env', 'control', env.id, 'CONFIGURE'], alice());
  const started = await json(home, ['env', 'control', env.id, 'START_ACTIVITY'], alice());
  const n = started.outcome.runNumber as number;
  assert.ok(n > 0);
  await ok(home, ['env', 'release', env.id], alice()); // the shift changes
  await ok(home, ['env', 'control', env.id, 'STOP_ACTIVITY'], bob());
  const commented = await ok(home, ['run', 'comment', String(n), 'cosmic muons only, sector 3 off'], bob());
  assert.match(commented.stdout, new RegExp(`comment added to run ${n} by bob`));

  const shown = await ok(home, ['run', 'show', String(n)], alice());
  const text = shown.stdout;
  assert.match(text, new RegExp(`^run ${n}  closed  COSMICS`, 'm'));
  assert.match(text, new RegExp(`environment Night cosmics \\(${env.id}\\)`));
  assert.match(text, /started\s+\S+ \S+ by alice/);
  assert.match(text, /stopped\s+\S+ \S+ by bob/);
  assert.match(text, /end reason\s+stopped by bob/);
  assert.match(text, /detectors\s+MUON/, "from the nodes' detector label");
  assert.match(text, /configuration:/);
  assert.match(text, new RegExp(`repo\\s+${repo.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(text, /vars\s+message=night shift/);
  assert.match(text, /rendered\s+2 task\(s\), 0 hook\(s\), 0 channel\(s\)/);
  assert.match(text, /bob: cosmic muons only, sector 3 off/);

  const printed = await ok(home, ['run', 'show', String(n), '--config'], alice());
  assert.match(printed.stdout, /rendered workflow:/);
  assert.match(printed.stdout, /"name": "alpha"/);

  const doc = await json(home, ['run', 'show', String(n)], alice());
  assert.equal(doc.startedBy, 'alice');
  assert.equal(doc.stoppedBy, 'bob');
  assert.equal(doc.endReason, 'stopped by bob');
  assert.equal(doc.runType, 'COSMICS');
  assert.deepEqual(doc.detectors, ['MUON']);
  assert.equal(doc.config.vars.message, 'night shift');
  assert.deepEqual(doc.config.size, { tasks: 2, hooks: 0, channels: 0 });
  assert.equal(doc.config.rendered, null, 'the rendered workflow only with --config');
  const whole = (await json(home, ['run', 'show', String(n), '--config'], alice())).config.rendered;
  assert.equal(whole.tasks.length, 2);
  assert.deepEqual(
    doc.comments.map((c: { user: string; text: string }) => [c.user, c.text]),
    [['bob', 'cosmic muons only, sector 3 off']],
  );

  const runs = await ok(home, ['run', 'list'], alice());
  assert.match(runs.stdout, new RegExp(`${n}\\s+${env.id}\\s+Night cosmics\\s+COSMICS\\s+closed`));
  await ok(home, ['env', 'control', env.id, 'EXIT'], bob());
});

test('run show of an unknown run, and run comment without text, fail with a clear message', async () => {
  const missing = await baton(home, ['run', 'show', '424242'], alice());
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /run 424242 not found/);
  const empty = await baton(home, ['run', 'comment', '1', '  '], alice());
  assert.notEqual(empty.code, 0);
  assert.match(empty.stderr, /empty/);
  const notANumber = await baton(home, ['run', 'show', 'last'], alice());
  assert.notEqual(notANumber.code, 0);
  assert.match(notANumber.stderr, /run number/);
});
