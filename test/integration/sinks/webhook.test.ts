// Events to a real local HTTP server that fails some requests (an error status, an answer later
// than the sink's timeout) and goes away for a while: every event of a cycle arrives, new seqs in
// order, repeats only of batches already sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { baton } from '../cli/harness.js';
import { createEnv, mustControl, startStack, waitFor, TOKEN, type Stack } from '../controller/harness.js';
import { assertAllArrived, caughtUp, controllerEvents, sinkStatus, type Received } from './common.js';

interface Hook {
  port: number;
  requests: { authorization: string; first: string; last: string; body: { controller: string; sink: string; events: Received[] } }[];
  /** events of every request the receiver read, answered 2xx or not */
  received: Received[];
  /** what the next requests get: ok, fail (503), late (answered after the sink's timeout) */
  plan: ('ok' | 'fail' | 'late')[];
  away(): Promise<void>;
  back(): Promise<void>;
  close(): Promise<void>;
}

async function startHook(): Promise<Hook> {
  const hook: Hook = {
    port: 0,
    requests: [],
    received: [],
    plan: [],
    away: async () => {},
    back: async () => {},
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const body = JSON.parse(text) as Hook['requests'][number]['body'];
      hook.requests.push({
        authorization: req.headers.authorization ?? '',
        first: String(req.headers['baton-seq-first']),
        last: String(req.headers['baton-seq-last']),
        body,
      });
      hook.received.push(...body.events.map((e) => ({ seq: e.seq, kind: e.kind, envId: e.envId })));
      const what = hook.plan.shift() ?? 'ok';
      if (what === 'fail') {
        res.writeHead(503).end('busy');
      } else if (what === 'late') {
        setTimeout(() => res.writeHead(200).end(), 2500).unref();
      } else res.writeHead(204).end();
    });
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  await listen(0);
  hook.port = (server.address() as AddressInfo).port;
  const down = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  hook.away = down;
  hook.back = () => listen(hook.port);
  hook.close = async () => {
    if (server.listening) await down();
  };
  return hook;
}

test('webhook sink: every event arrives in order through failures, timeouts and an outage', { timeout: 180_000 }, async (t) => {
  const hook = await startHook();
  let stack: Stack | null = null;
  t.after(async () => {
    await stack?.stop();
    await hook.close();
  });
  stack = await startStack({
    realAgents: 1,
    controller: {
      eventSinks: [
        {
          kind: 'webhook',
          name: 'hook',
          url: `http://127.0.0.1:${hook.port}/events`,
          headers: { authorization: 'Bearer hook-secret' },
          from: 'beginning',
          batchSize: 7,
          timeoutMs: 1000,
          retryInitialMs: 50,
          retryMaxMs: 400,
        },
      ],
    },
  });
  const c = stack.client;
  hook.plan.push('ok', 'fail', 'ok', 'late', 'fail', 'fail', 'ok', 'late');
  const env = await createEnv(c, 'quick');
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');

  await hook.away();
  await mustControl(c, env.id, 'START_ACTIVITY');
  await mustControl(c, env.id, 'STOP_ACTIVITY');
  await waitFor(async () => (await sinkStatus(c, 'hook')).state === 'down', 20_000, 'GetInfo shows the webhook down');
  const down = await sinkStatus(c, 'hook');
  assert.ok(down.lag > 0 && down.deliveredSeq < down.lastEventSeq, `behind while away: ${JSON.stringify(down)}`);
  assert.match(down.lastError, /POST http:\/\/127\.0\.0\.1/);
  const listed = await baton(stack.home, ['event-sinks'], { env: { BATON_CONTROLLER: stack.ctl.address, BATON_TOKEN: TOKEN } });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(
    listed.stdout,
    /^hook\s+webhook\s+http:\/\/127\.0\.0\.1:\d+\/events\s+down\s+\d+\s+[1-9]\d*\s+down \d+s\s+POST /m,
    'baton event-sinks shows it down, its lag and why',
  );
  await hook.back();
  hook.plan.push('fail', 'late');
  await mustControl(c, env.id, 'RESET');
  await mustControl(c, env.id, 'EXIT');

  await caughtUp(c, 'hook');
  const truth = await controllerEvents(c);
  assertAllArrived(hook.received, truth, 'webhook');
  const doc = JSON.parse((await baton(stack.home, ['event-sinks', '--json'], { env: { BATON_CONTROLLER: stack.ctl.address, BATON_TOKEN: TOKEN } })).stdout);
  assert.equal(doc.sinks[0].state, 'up');
  assert.equal(Number(doc.sinks[0].deliveredSeq), truth.at(-1)!.seq, 'baton event-sinks --json: everything delivered');
  assert.ok(hook.received.length > truth.length, 'failed and late batches were sent again (the plan made some)');
  for (const r of hook.requests) {
    assert.equal(r.authorization, 'Bearer hook-secret', 'the configured headers go with every request');
    assert.equal(r.body.sink, 'hook');
    assert.equal(r.body.controller, stack.ctl.id);
    const seqs = r.body.events.map((e) => e.seq);
    assert.deepEqual(
      [...seqs].sort((a, b) => a - b),
      seqs,
      'a batch is in seq order',
    );
    assert.equal(r.first, String(seqs[0]));
    assert.equal(r.last, String(seqs.at(-1)));
    assert.ok(seqs.length <= 7, 'batchSize holds');
  }
});
