// Listening rules and auth: no network address without TLS, a token on every call, one session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startAgent } from '../../../core/agent/main.js';
import { BatonError } from '../../../core/model/errors.js';
import { client, startTestAgent, TestController, tempHome } from './harness.js';

test('an agent refuses a non-loopback address without TLS', async () => {
  const home = tempHome();
  try {
    await assert.rejects(
      startAgent({ name: 'n1', home, listen: '0.0.0.0:0', labels: {} }),
      (e: unknown) => e instanceof BatonError && e.code === 'BAD_INPUT' && /without TLS/.test(e.message),
    );
    assert.equal(fs.existsSync(`${home}/agents/n1/task.sock`), false, 'nothing was started');
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('an agent listens on loopback tcp and reports its port', async (t) => {
  const { agent, home } = await startTestAgent({ listen: '127.0.0.1:0' });
  t.after(async () => {
    await agent.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  assert.match(agent.address, /^127\.0\.0\.1:\d+$/);
  const ctl = await TestController.open(agent.address);
  assert.equal(ctl.hello!.node, 'n1');
  ctl.close();
});

test('a wrong token is refused on Session and Health', async (t) => {
  const { agent, home } = await startTestAgent();
  t.after(async () => {
    await agent.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  await assert.rejects(TestController.open(agent.address, 'wrong'), /session ended/);
  const c = client(agent.address, 'wrong');
  const err = await new Promise<Error | null>((r) => c.health({}, (e) => r(e)));
  assert.match(String(err?.message), /UNAUTHENTICATED|token/);
  c.close();
  const ok = client(agent.address);
  const h = await new Promise<{ node: string; ok: boolean }>((r, j) => ok.health({}, (e, v) => (e ? j(e) : r(v))));
  assert.equal(h.node, 'n1');
  assert.equal(h.ok, true);
  ok.close();
});

test('a newer session replaces an older one, which is ended', async (t) => {
  const { agent, home } = await startTestAgent();
  t.after(async () => {
    await agent.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  const a = await TestController.open(agent.address);
  const b = await TestController.open(agent.address);
  await a.waitFor(() => a.ended, 5000, 'the old session to end');
  const hb = await b.waitFor(() => b.heartbeats[0], 5000, 'a heartbeat');
  assert.ok(hb.memTotal > 0);
  assert.ok(hb.memUsed > 0);
  b.close();
});
