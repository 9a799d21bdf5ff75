// A controller whose thread is held for seconds (the decode and records of a 1M-task create held
// it 5 to 10 s at a time; a large batch of agent updates does the same on a loaded machine) is
// busy, not gone: its agents must not drop their sessions, and no node may turn SUSPECT. The
// agent runs in its own process, so that its side keeps its timers (heartbeats, keepalive pings)
// while the controller's thread is held; the controller runs in this process, whose thread the
// test holds longer than the agents' old keepalive ping interval plus its timeout (10 s + 5 s):
// on that code the agent dropped its session ('Connection dropped') and the node went SUSPECT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startController, type ControllerHandle } from '../../../core/controller/main.js';
import type { Node } from '../../../core/rpc/gen/control.js';
import { call, controlClient, subscribe, TOKEN, tempHome, waitFor } from './harness.js';
import { startChildAgent, type Child } from './procs.js';

/** long enough that a keepalive ping (the old agent's: every 10 s) would wait more than 5 s for its answer */
const HELD_MS = 16_000;

function holdThread(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* the controller's thread is busy: nothing of its event loop runs */
  }
}

async function nodeOf(client: ReturnType<typeof controlClient>, name: string): Promise<Node | undefined> {
  const reply = await call<object, { nodes: Node[] }>(client, 'listNodes', {});
  return reply.nodes.find((n) => n.name === name);
}

test('a controller whose thread is held 16 s keeps its agents: no node.suspect', { timeout: 90_000 }, async () => {
  const home = tempHome();
  let agent: Child | null = null;
  let ctl: ControllerHandle | null = null;
  let client: ReturnType<typeof controlClient> | null = null;
  try {
    fs.mkdirSync(path.join(home, 'a'), { recursive: true });
    agent = await startChildAgent({
      name: 'busy-1',
      home: path.join(home, 'a'),
      listen: `unix://${home}/agent.sock`,
      token: TOKEN,
      labels: { sim: 'true' },
      sim: true,
    });
    ctl = await startController({ home, listen: `unix://${home}/controller.sock`, token: TOKEN, agents: [agent.address], heartbeatTimeoutMs: 3000 });
    client = controlClient(ctl.address);
    await waitFor(async () => (await nodeOf(client!, 'busy-1'))?.up, 20_000, 'the agent up');
    const events = subscribe(client, {});
    // the subscription is served before the thread is held
    await waitFor(() => nodeOf(client!, 'busy-1'), 5_000, 'a round trip');

    const heldUntil = Date.now() + HELD_MS;
    holdThread(HELD_MS);

    // a heartbeat the agent sent after the thread was let go has been read: anything the agent
    // or its session did during the hold has been handled by then
    await waitFor(
      async () => {
        const n = await nodeOf(client!, 'busy-1');
        return n && n.up && n.lastSeenMs > heldUntil + 1000;
      },
      30_000,
      'a heartbeat after the hold',
    );
    events.stop();
    const suspect = events.events.filter((e) => e.kind === 'node.suspect' || e.kind === 'node.down');
    assert.deepEqual(
      suspect.map((e) => `${e.kind}: ${e.message}`),
      [],
      'a busy controller must not lose its agent',
    );
    const n = await nodeOf(client, 'busy-1');
    assert.equal(n?.suspect, false);
  } finally {
    client?.close();
    await ctl?.stop();
    await agent?.kill9();
    fs.rmSync(home, { recursive: true, force: true });
  }
});
