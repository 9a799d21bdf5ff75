// Templates and hooks that cannot be turned against the farm (docs/security.md): a workflow from
// outside the configured repos is refused at every entry; exec hooks run only from trusted repos,
// without the controller's token, killed with their children at their timeout; http.post reaches
// only allowed hosts, checked at create and again when the hook runs. A real controller and agent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { BatonError } from '../../../core/model/errors.js';
import { createWorkflowLoader } from '../../../core/workflow/index.js';
import { alive, call, control, createEnv, mustControl, ROOT, startStack, tempHome, waitFor, type Stack } from './harness.js';

/** A template repo at dir: the given files, plus the shipped task classes. */
function makeRepo(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  fs.cpSync(path.join(ROOT, 'assets', 'tasks'), path.join(dir, 'tasks'), { recursive: true });
  return dir;
}

const EXEC = (marker: string) => `
vars:
  out: {type: string, default: ${JSON.stringify(marker)}}
roles:
  - name: worker
    task: {class: demo}
  - name: payload
    call: {func: exec, args: {command: "touch {{ out }}"}, trigger: after_DEPLOY}
`;

const POST = (url: string) => `
roles:
  - name: worker
    task: {class: demo}
  - name: notify
    call:
      func: http.post
      args: {url: ${JSON.stringify(url)}}
      trigger: after_DEPLOY
      critical: true
`;

const HOOKS = `
vars:
  out: {type: string, default: ""}
  pidfile: {type: string, default: ""}
roles:
  - name: worker
    task: {class: demo}
  - name: dump-env
    enabled: "{{ out != '' }}"
    call: {func: exec, args: {command: "env > {{ out }}"}, trigger: after_DEPLOY}
  - name: stuck
    enabled: "{{ pidfile != '' }}"
    call: {func: exec, args: {command: "sleep 60 & echo $! > {{ pidfile }}; sleep 60"}, trigger: before_CONFIGURE, timeout: 500ms}
  - name: chatty
    enabled: "{{ pidfile == '' && out == '' }}"
    call: {func: exec, args: {command: "head -c 10000 /dev/zero | tr '\\\\0' x; exit 3"}, trigger: before_CONFIGURE}
`;

let stack: Stack;
let home = '';
let outside = '';
let plain = '';
let trusted = '';

before(async () => {
  home = tempHome();
  outside = makeRepo(path.join(home, 'outside'), { 'workflows/evil.yaml': EXEC(path.join(home, 'pwned-outside')) });
  plain = makeRepo(path.join(home, 'plain'), {
    'workflows/evil.yaml': EXEC(path.join(home, 'pwned-plain')),
    'workflows/post.yaml': POST('http://192.0.2.7:9/x'),
  });
  trusted = makeRepo(path.join(home, 'trusted'), { 'workflows/hooks.yaml': HOOKS, 'workflows/post-ok.yaml': POST('http://127.0.0.1:9/x') });
  stack = await startStack({
    home,
    realAgents: 1,
    // what `baton controller --repo plain --trusted-repo trusted --http-hook-host 127.0.0.1` sets
    controller: {
      templateRepos: [trusted, plain, path.join(ROOT, 'assets')],
      templatePolicy: { allowLocal: false, trustLocal: false, trustedRepos: [trusted], httpHosts: ['127.0.0.1'] },
    },
  });
});
after(async () => {
  await stack?.stop();
});

async function envCount(): Promise<number> {
  return (await call<unknown, { environments: unknown[] }>(stack.client, 'listEnvironments', {})).environments.length;
}

test('a workflow file outside the configured repos is refused at create, render and lint, naming it and the repos', async () => {
  const file = path.join(outside, 'workflows', 'evil.yaml');
  const refused = (e: BatonError) => {
    assert.equal(e.code, 'BAD_INPUT', e.message);
    assert.ok(e.message.includes(file) || e.message.includes(outside), e.message);
    assert.ok(e.message.includes(trusted) && e.message.includes(plain), `names the configured repos: ${e.message}`);
    assert.match(e.message, /--allow-local-templates/);
    return true;
  };
  await assert.rejects(createEnv(stack.client, file), refused);
  // the same workflow by name from a repo given with the request
  await assert.rejects(createEnv(stack.client, 'evil', {}, outside), refused);
  await assert.rejects(call(stack.client, 'renderTemplate', { workflow: file, vars: {}, repo: '', revision: '' }), refused);
  await assert.rejects(call(stack.client, 'lintTemplate', { path: file, content: '' }), refused);
  assert.equal(await envCount(), 0, 'nothing was created');
  assert.ok(!fs.existsSync(path.join(home, 'pwned-outside')));
});

test('an exec hook from a configured but untrusted repo is refused at create and lint, located', async () => {
  const file = path.join(plain, 'workflows', 'evil.yaml');
  const e = await createEnv(stack.client, 'evil', {}, plain).catch((x: BatonError) => x);
  assert.ok(e instanceof BatonError, 'refused');
  assert.equal(e.code, 'BAD_TEMPLATE');
  assert.equal(e.detail.where, `${file}:8:18`, 'at the value of the call role func');
  assert.match(e.message, /exec hooks run only from trusted template repos/);
  const lint = await call<unknown, { diagnostics: { line: number; col: number; message: string; severity: string }[] }>(stack.client, 'lintTemplate', {
    path: file,
    content: '',
  });
  assert.ok(
    lint.diagnostics.some((d) => d.severity === 'error' && d.line === 8 && d.col === 18 && /trusted/.test(d.message)),
    JSON.stringify(lint.diagnostics),
  );
  assert.equal(await envCount(), 0);
});

test('http.post to a host off the allow list is refused at create, located at its url; an allowed host is not', async () => {
  const e = await createEnv(stack.client, 'post', {}, plain).catch((x: BatonError) => x);
  assert.ok(e instanceof BatonError);
  assert.equal(e.code, 'BAD_TEMPLATE');
  assert.equal(e.detail.where, `${path.join(plain, 'workflows', 'post.yaml')}:8:19`, 'at the url');
  assert.match(e.message, /may not reach 192\.0\.2\.7.*allow list \(127\.0\.0\.1/);
  const ok = await createEnv(stack.client, 'post-ok', {}, trusted);
  await mustControl(stack.client, ok.id, 'EXIT');
});

test("an exec hook does not see the controller's token or its other secrets", async () => {
  const saved = { ...process.env };
  // what local mode hands its controller (the token) and what a service manager might
  process.env.BATON_TOKEN = 'tok-must-not-leak';
  process.env.BATON_TLS_KEY = '/secret/controller.key';
  process.env.DB_PASSWORD = 'pw-must-not-leak';
  try {
    const out = path.join(home, 'hook-env.txt');
    const env = await createEnv(stack.client, 'hooks', { out }, trusted);
    await mustControl(stack.client, env.id, 'DEPLOY');
    const seen = fs.readFileSync(out, 'utf8');
    assert.match(seen, new RegExp(`^BATON_ENV_ID=${env.id}$`, 'm'), 'the hook gets what Baton tells it');
    assert.match(seen, /^PATH=/m);
    assert.doesNotMatch(seen, /tok-must-not-leak|BATON_TOKEN|BATON_TLS_KEY|pw-must-not-leak/);
    await mustControl(stack.client, env.id, 'EXIT');
  } finally {
    for (const k of ['BATON_TOKEN', 'BATON_TLS_KEY', 'DB_PASSWORD']) delete process.env[k];
    Object.assign(process.env, saved);
  }
});

test('an exec hook over its timeout is killed with its children; a chatty one says its output was capped', async () => {
  const pidfile = path.join(home, 'stuck.pid');
  const env = await createEnv(stack.client, 'hooks', { pidfile }, trusted);
  await mustControl(stack.client, env.id, 'DEPLOY');
  const msgs = await control(stack.client, env.id, 'CONFIGURE');
  const final = msgs[msgs.length - 1]!;
  assert.equal(final.ok, false);
  assert.equal(final.error?.data.reason, 'timeout');
  const child = Number(fs.readFileSync(pidfile, 'utf8').trim());
  assert.ok(child > 0);
  await waitFor(() => !alive(child), 5000, `the hook's background child ${child} is killed with it`);
  await mustControl(stack.client, env.id, 'EXIT');

  const chatty = await createEnv(stack.client, 'hooks', {}, trusted);
  await mustControl(stack.client, chatty.id, 'DEPLOY');
  const m2 = await control(stack.client, chatty.id, 'CONFIGURE');
  const f2 = m2[m2.length - 1]!;
  assert.equal(f2.ok, false);
  assert.match(f2.error!.message, /exited with code 3 \(output 10000 bytes: only the last 4000 kept\)/);
  await mustControl(stack.client, chatty.id, 'EXIT');
});

test('http.post is checked again when it runs: a loader that let it through does not reach the host', async () => {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const h = tempHome();
  const repo = makeRepo(path.join(h, 'repo'), { 'workflows/post.yaml': POST(url) });
  // an embedder's loader with no policy (anything goes) under a controller that allows no host
  const loose = await startStack({
    home: h,
    realAgents: 1,
    controller: { loader: createWorkflowLoader({ repos: [repo], batonRoot: ROOT }), templatePolicy: { httpHosts: [] } },
  });
  try {
    const env = await createEnv(loose.client, 'post');
    const msgs = await control(loose.client, env.id, 'DEPLOY');
    const final = msgs[msgs.length - 1]!;
    assert.equal(final.ok, false);
    assert.equal(final.error?.code, 'HOOK_FAILED');
    assert.match(final.error!.message, /may not reach 127\.0\.0\.1: not on this controller's allow list \(none\)/);
    assert.equal(hits, 0, 'the server was not reached');
    await mustControl(loose.client, env.id, 'RECOVER').catch(() => {});
    await control(loose.client, env.id, 'EXIT');
  } finally {
    server.close();
    await loose.stop();
  }
});
