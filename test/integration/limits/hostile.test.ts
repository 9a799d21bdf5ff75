// Hostile requests against a real controller process (local mode): none crashes it, each over a
// limit is BAD_INPUT naming the limit, and a costly template runs off the controller's event
// loop (GetInfo is answered while a 100,000-task expansion is under way).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connectControl, type ControlConnection } from '../../../core/rpc/control-client.js';
import { BatonError } from '../../../core/model/errors.js';
import { localStack, tempHome, type LocalStack } from '../cli/harness.js';

/** `depth` roles, each holding the next. */
function deepWorkflow(depth: number): string {
  let roles = '{name: leaf, task: {class: demo}}';
  for (let i = depth - 1; i > 0; i--) roles = `{name: r${i}, roles: [${roles}]}`;
  return `name: deep\nroles: [${roles}]\n`;
}

const WIDE = `name: wide
roles:
  - name: t-{{ it }}
    for: {range: 1000001}
    task: {class: demo}
`;

/** A workflow whose connect target is a 100 KB glob: it once crashed the controller (V8 regexp). */
function globBomb(): string {
  return `name: glob
roles:
  - name: a
    task: {class: demo}
    bind: [{name: out, type: push}]
  - name: b
    task: {class: demo}
    connect: [{name: in, target: "${'a*'.repeat(50_000)}:out"}]
`;
}

const badInput = (limit: RegExp) => (e: unknown) => {
  assert.ok(e instanceof BatonError, String(e));
  assert.equal(e.code, 'BAD_INPUT', e.message);
  assert.match(e.message, limit);
  return true;
};

describe('hostile requests', () => {
  let stack: LocalStack;
  let control: ControlConnection;
  let pid = 0;
  let repo = '';

  before(async () => {
    repo = path.join(tempHome(), 'repo');
    fs.mkdirSync(path.join(repo, 'workflows'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'workflows', 'deep.yaml'), deepWorkflow(40));
    fs.writeFileSync(path.join(repo, 'workflows', 'wide.yaml'), WIDE);
    fs.writeFileSync(path.join(repo, 'workflows', 'longname.yaml'), `name: ${'n'.repeat(300)}\nroles: [{name: a, task: {class: demo}}]\n`);
    stack = await localStack(['--agents', '1', '--repo', repo]);
    const st = JSON.parse(fs.readFileSync(path.join(stack.home, 'local', 'state.json'), 'utf8'));
    control = connectControl(st.controller.address, { token: st.token });
    pid = (await control.call('getInfo', {})).pid;
  });
  after(async () => {
    control.close();
    await stack.down();
    fs.rmSync(stack.home, { recursive: true, force: true });
    fs.rmSync(path.dirname(repo), { recursive: true, force: true });
  });

  test('LintTemplate of a 100 KB glob answers, naming the target limit, and the controller lives', async () => {
    const content = globBomb();
    assert.ok(content.length > 100_000);
    const r = await control.call('lintTemplate', { path: path.join(repo, 'workflows', 'glob.yaml'), content, repo: '' }, 60_000);
    const messages = r.diagnostics.map((d) => d.message);
    assert.ok(
      messages.some((m) => /limit workflow\.target/.test(m)),
      `the glob is refused naming the limit: ${messages.join('; ').slice(0, 300)}`,
    );
    assert.ok(!r.diagnostics.some((d) => d.code === 'INTERNAL'), `no internal error: ${messages.join('; ').slice(0, 300)}`);
    assert.equal((await control.call('getInfo', {})).pid, pid, 'the same controller answers');
  });

  test('LintTemplate of 3 MB content is BAD_INPUT naming the limit', async () => {
    await assert.rejects(
      control.call('lintTemplate', { path: 'x.yaml', content: `# ${'x'.repeat(3 * 1024 * 1024)}\n`, repo: '' }),
      badInput(/LintTemplateRequest\.content/),
    );
  });

  test('a 50 MB var is refused naming the limit, and nothing is created', async () => {
    // above the largest request the controller decodes at all
    await assert.rejects(
      control.call(
        'createEnvironment',
        {
          workflow: 'quick',
          vars: { message: 'x'.repeat(50 * 1024 * 1024) },
          repo: '',
          revision: '',
          owner: 'me',
          autoDeploy: false,
          name: '',
          runType: '',
        },
        60_000,
      ),
      badInput(/grpc\.max_message_length/),
    );
    // decoded, and over the limit of one var
    await assert.rejects(
      control.call(
        'createEnvironment',
        {
          workflow: 'quick',
          vars: { message: 'x'.repeat(100 * 1024) },
          repo: '',
          revision: '',
          owner: 'me',
          autoDeploy: false,
          name: '',
          runType: '',
        },
        60_000,
      ),
      badInput(/CreateEnvironmentRequest\.vars\.value/),
    );
    assert.equal((await control.call('listEnvironments', {})).environments.length, 0);
    assert.equal((await control.call('getInfo', {})).pid, pid, 'the same controller answers');
  });

  test('a for over the item limit is BAD_INPUT naming the limit', async () => {
    await assert.rejects(control.call('renderTemplate', { workflow: 'wide', vars: {}, repo: '', revision: '' }, 60_000), badInput(/workflow\.for/));
  });

  test('an environment name over the limit is BAD_INPUT naming the limit', async () => {
    await assert.rejects(
      control.call(
        'createEnvironment',
        { workflow: 'longname', vars: {}, repo: '', revision: '', owner: 'me', autoDeploy: false, name: '', runType: '' },
        60_000,
      ),
      badInput(/workflow\.name/),
    );
  });

  test('a role tree deeper than the limit is BAD_INPUT naming the limit', async () => {
    await assert.rejects(control.call('renderTemplate', { workflow: 'deep', vars: {}, repo: '', revision: '' }, 60_000), badInput(/workflow\.depth/));
  });

  test('a 100,000-item for is expanded off the event loop (GetInfo answers meanwhile), its plan refused naming the limit', async () => {
    const order: string[] = [];
    const render = control.call('renderTemplate', { workflow: 'sim-farm', vars: { tasks: '100000' }, repo: '', revision: '' }, 120_000).then(
      () => {
        order.push('render');
      },
      (e: unknown) => {
        order.push('render');
        throw e;
      },
    );
    // the expansion takes seconds; a GetInfo sent just after it must not wait for it
    await new Promise((r) => setTimeout(r, 200));
    const info = await control.call('getInfo', {}).then((r) => {
      order.push('getInfo');
      return r;
    });
    await assert.rejects(render, badInput(/render\.tasks/));
    assert.deepEqual(order, ['getInfo', 'render']);
    assert.equal(info.pid, pid);
    // within the limit the plan comes back whole
    const small = await control.call('renderTemplate', { workflow: 'sim-farm', vars: { tasks: '2000' }, repo: '', revision: '' }, 120_000);
    assert.equal(JSON.parse(small.json).tasks.length, 2000);
  });
});
