// Hooks (call roles) run by the controller: timeouts enforced, weight order, a critical hook
// before a transition cancels it, after it puts the environment in ERROR; http.post delivers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { control, createEnv, getEnv, mustControl, startStack, subscribe, tempHome, tempRepo, waitFor, type Stack } from './harness.js';

const WORKFLOW = `
name: hooked
description: a demo task with hooks switched on by vars
vars:
  slow: {type: bool, default: false}
  fail_after: {type: bool, default: false}
  out: {type: string, default: ""}
  url: {type: string, default: ""}
  bg: {type: bool, default: false}
roles:
  - name: worker
    task: {class: demo, critical: true}
  - name: slow-hook
    enabled: "{{ slow }}"
    call: {func: sleep, args: {duration: 5s}, trigger: before_CONFIGURE, timeout: 300ms, critical: true}
  - name: second
    enabled: "{{ out != '' }}"
    call: {func: exec, args: {command: "echo second >> {{ out }}"}, trigger: after_START_ACTIVITY, weight: 2, critical: false}
  - name: first
    enabled: "{{ out != '' }}"
    call: {func: exec, args: {command: "echo first >> {{ out }}"}, trigger: after_START_ACTIVITY, weight: 1, critical: false}
  - name: notify
    enabled: "{{ url != '' }}"
    call: {func: http.post, args: {url: "{{ url }}", body: {env: "\${env_id}", run: "\${run_number}"}}, trigger: after_START_ACTIVITY, timeout: 5s, critical: false}
  - name: background
    enabled: "{{ bg && out != '' }}"
    call: {func: exec, args: {command: "sleep 0.5; echo background >> {{ out }}"}, trigger: before_START_ACTIVITY, await: after_START_ACTIVITY, timeout: 5s, critical: true}
  - name: breaker
    enabled: "{{ fail_after }}"
    call: {func: test.fail, args: {message: boom}, trigger: after_CONFIGURE, critical: true}
`;

let stack: Stack;
let repo: string;
before(async () => {
  const home = tempHome();
  repo = tempRepo(home, { 'workflows/hooked.yaml': WORKFLOW });
  stack = await startStack({ home, realAgents: 1 });
});
after(async () => {
  await stack?.stop();
});

test('a critical hook that sleeps past its timeout fails the transition, naming the hook; the state stays', async () => {
  const c = stack.client;
  const env = await createEnv(c, 'hooked', { slow: 'true' }, repo);
  const events = subscribe(c, { envId: env.id, kinds: ['hook.'] });
  await mustControl(c, env.id, 'DEPLOY');
  const t0 = Date.now();
  const msgs = await control(c, env.id, 'CONFIGURE');
  const final = msgs[msgs.length - 1]!;
  assert.equal(final.ok, false);
  assert.equal(final.error?.code, 'HOOK_FAILED');
  assert.match(final.error!.message, /slow-hook/);
  assert.equal(final.error?.data.reason, 'timeout');
  assert.ok(Date.now() - t0 < 4000, 'the hook was cut at its timeout, not waited for');
  assert.equal(final.state, 'DEPLOYED', 'a hook failing before the transition cancels it');
  await waitFor(() => events.events.find((e) => e.kind === 'hook.end' && e.data.hook === 'slow-hook'), 5000, 'hook.end');
  const end = events.events.find((e) => e.kind === 'hook.end')!;
  assert.equal(end.data.ok, 'false');
  assert.ok(Number(end.data.duration_ms) >= 250);
  assert.ok(events.events.some((e) => e.kind === 'hook.start' && e.data.hook === 'slow-hook'));
  events.stop();
  await mustControl(c, env.id, 'EXIT');
});

test('hooks run in weight order; http.post delivers its templated body', async () => {
  const c = stack.client;
  const out = path.join(stack.home, 'order.txt');
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (d) => {
      b += d;
    });
    req.on('end', () => {
      bodies.push(b);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  try {
    const env = await createEnv(c, 'hooked', { out, url }, repo);
    await mustControl(c, env.id, 'DEPLOY');
    await mustControl(c, env.id, 'CONFIGURE');
    const run = (await mustControl(c, env.id, 'START_ACTIVITY')).runNumber!;
    assert.deepEqual(fs.readFileSync(out, 'utf8').trim().split('\n'), ['first', 'second']);
    assert.equal(bodies.length, 1);
    assert.deepEqual(JSON.parse(bodies[0]!), { env: env.id, run: String(run) });
    await mustControl(c, env.id, 'STOP_ACTIVITY');
    await mustControl(c, env.id, 'EXIT');
  } finally {
    server.close();
  }
});

test('a critical hook failing after a transition puts the environment in ERROR', async () => {
  const c = stack.client;
  const env = await createEnv(c, 'hooked', { fail_after: 'true' }, repo);
  await mustControl(c, env.id, 'DEPLOY');
  const msgs = await control(c, env.id, 'CONFIGURE');
  const final = msgs[msgs.length - 1]!;
  assert.equal(final.ok, false);
  assert.equal(final.state, 'ERROR');
  assert.equal(final.error?.code, 'HOOK_FAILED');
  assert.match(final.error!.message, /breaker/);
  assert.match(final.error!.message, /boom/);
  const e = await getEnv(c, env.id, false);
  assert.equal(e.error?.code, 'HOOK_FAILED');
  await mustControl(c, env.id, 'RECOVER');
  await mustControl(c, env.id, 'EXIT');
});

test('a hook with await starts at its trigger and is waited for at the later step', async () => {
  const c = stack.client;
  const out = path.join(stack.home, 'await.txt');
  const env = await createEnv(c, 'hooked', { out, bg: 'true' }, repo);
  const events = subscribe(c, { envId: env.id, kinds: ['hook.', 'task.state'] });
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const started = await mustControl(c, env.id, 'START_ACTIVITY');
  assert.equal(started.state, 'RUNNING');
  // the awaited hook finished before the after_START_ACTIVITY hooks ran, in weight order
  assert.deepEqual(fs.readFileSync(out, 'utf8').trim().split('\n'), ['background', 'first', 'second']);
  // ... and the tasks were told START while it was still running (it did not block the step)
  await waitFor(() => events.events.find((e) => e.kind === 'hook.end' && e.data.hook === 'background'), 5000, 'hook.end');
  const seqOf = (pred: (e: (typeof events.events)[number]) => boolean) => events.events.find(pred)?.seq ?? -1;
  const bgStart = seqOf((e) => e.kind === 'hook.start' && e.data.hook === 'background');
  const bgEnd = seqOf((e) => e.kind === 'hook.end' && e.data.hook === 'background');
  const running = seqOf((e) => e.kind === 'task.state' && e.state === 'RUNNING');
  assert.ok(bgStart > 0 && bgStart < running && running < bgEnd, `hook started ${bgStart}, task RUNNING ${running}, hook ended ${bgEnd}`);
  events.stop();
  await mustControl(c, env.id, 'STOP_ACTIVITY');
  await mustControl(c, env.id, 'EXIT');
});
