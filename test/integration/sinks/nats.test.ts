// Events to a real nats-server (JetStream): a subscriber receives every event of a full cycle of
// a small workflow, across a kill -9 of the controller mid-cycle (restarted on the same home) and
// a kill -9 of the nats-server mid-stream (restarted on the same port and store). Compared, seq by
// seq, with the controller's own event list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { connect, type NatsConnection } from 'nats';
import { startAgent, type AgentHandle } from '../../../core/agent/main.js';
import type { ControllerOptions } from '../../../core/controller/main.js';
import { createEnv, getEnv, mustControl, tempHome, waitFor, controlClient, TOKEN } from '../controller/harness.js';
import { startChildController, type Child } from '../controller/procs.js';
import { assertAllArrived, caughtUp, controllerEvents, sinkStatus, type Received } from './common.js';
import { startNatsServer, type NatsServer } from './nats-server.js';

test('NATS sink: every event of a cycle arrives across a controller kill -9 and a nats-server kill -9', { timeout: 180_000 }, async (t) => {
  const home = tempHome();
  let nats: NatsServer | null = null;
  let agent: AgentHandle | null = null;
  let ctl: Child | null = null;
  let subscriber: NatsConnection | null = null;
  let stopConsuming: () => void = () => {};
  let client = null as ReturnType<typeof controlClient> | null;
  t.after(async () => {
    client?.close();
    await ctl?.kill9();
    stopConsuming();
    await subscriber?.close().catch(() => {});
    await agent?.stop({ killTasks: true });
    await nats?.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  nats = await startNatsServer();
  agent = await startAgent({ name: 'node-1', home, listen: `unix://${home}/agent-1.sock`, token: TOKEN, labels: { zone: 'test' }, portRange: [25100, 25199] });
  const options: ControllerOptions = {
    home,
    listen: `unix://${home}/controller.sock`,
    token: TOKEN,
    agents: [agent.address],
    eventSinks: [{ kind: 'nats', name: 'bus', servers: [nats.url], from: 'beginning', retryInitialMs: 100, retryMaxMs: 500, timeoutMs: 1000 }],
  };
  ctl = await startChildController(options);
  client = controlClient(ctl.address);

  // the subscriber: an ordered JetStream consumer over the stream the sink makes
  subscriber = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const jsm = await subscriber.jetstreamManager();
  await waitFor(
    () =>
      jsm.streams.info('BATON_EVENTS').then(
        () => true,
        () => false,
      ),
    20_000,
    'the sink made its stream',
  );
  const received: (Received & { subject: string })[] = [];
  const consumer = await subscriber.jetstream().consumers.get('BATON_EVENTS');
  const messages = await consumer.consume();
  stopConsuming = () => messages.stop();
  void (async () => {
    for await (const m of messages) {
      const e = JSON.parse(m.string()) as Received;
      received.push({ seq: e.seq, kind: e.kind, envId: e.envId, subject: m.subject });
    }
  })();

  const env = await createEnv(client, 'quick');
  await mustControl(client, env.id, 'DEPLOY');
  await mustControl(client, env.id, 'CONFIGURE');
  await waitFor(() => received.length > 0, 20_000, 'first events reach the subscriber');

  // the controller dies mid-cycle (a transition under way), and comes back on the same home
  const starting = mustControl(client, env.id, 'START_ACTIVITY').catch(() => null);
  await new Promise((r) => setTimeout(r, 30));
  client.close();
  await ctl.kill9();
  await starting;
  ctl = await startChildController({ ...options, agents: [] });
  client = controlClient(ctl.address);
  const state = (await waitFor(
    async () => {
      const e = await getEnv(client!, env.id, false);
      // the restarted controller finishes (or undoes) the interrupted transition first
      return !e.transition && (e.state === 'RUNNING' || e.state === 'CONFIGURED') ? e.state : null;
    },
    30_000,
    'the environment settles after the restart',
  ))!;
  if (state === 'CONFIGURED') await mustControl(client, env.id, 'START_ACTIVITY');

  // the nats-server dies mid-stream: events wait in the controller's store meanwhile
  const stopping = mustControl(client, env.id, 'STOP_ACTIVITY');
  await nats.kill();
  await stopping;
  await waitFor(async () => (await sinkStatus(client!, 'bus')).state === 'down', 20_000, 'GetInfo shows the sink down');
  const down = await sinkStatus(client, 'bus');
  assert.ok(down.lag > 0, `a lag while the server is down (${JSON.stringify(down)})`);
  assert.ok(down.lastError, 'and why');
  await mustControl(client, env.id, 'RESET');
  await nats.restart();
  await mustControl(client, env.id, 'EXIT');

  await caughtUp(client, 'bus');
  const truth = await controllerEvents(client);
  assert.ok(
    truth.some((e) => e.kind === 'env.transition' && e.transition === 'EXIT'),
    'the cycle went to EXIT',
  );
  await waitFor(() => new Set(received.map((r) => r.seq)).size >= truth.length, 30_000, `the subscriber has ${truth.length} events`);
  // read again: an event stored after the first read (the audit of the last call, sent when the
  // call ends) may have arrived meanwhile; the check covers everything up to the last one received
  const upTo = Math.max(...received.map((r) => r.seq));
  const stored = (await controllerEvents(client)).filter((e) => e.seq <= upTo);
  assertAllArrived(received, stored, 'NATS subscriber');

  // subjects: <prefix>.<env>.<kind>
  for (const r of received) {
    assert.equal(r.subject, `baton.events.${r.envId || '_'}.${r.kind}`, `subject of seq ${r.seq}`);
  }
  // the resume point survived the restart: the first event was not sent again from the start
  assert.equal(received.filter((r) => r.seq === truth[0]!.seq).length, 1, 'delivered events are not re-sent after a restart');
});
