// The node inventory (nodes.yaml) with a real controller and real agents: a bad file stops the
// start naming file, node and field and changes nothing; AddNode/RemoveNode edit the file keeping
// its comments; the inventory alone brings the nodes back after a restart; cordon refuses new
// placements saying why; drain names the environments still using the node, "draining" until
// they are gone, then "drained"; the state survives a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { startAgent } from '../../../core/agent/main.js';
import { startController } from '../../../core/controller/main.js';
import type { BatonError } from '../../../core/model/errors.js';
import type { Node } from '../../../core/rpc/gen/control.js';
import { call, createEnv, startStack, tempHome, TEST_TEMPLATE_POLICY, TOKEN, waitFor, type Stack } from './harness.js';

const nodesFile = (home: string) => path.join(home, 'controller', 'nodes.yaml');

async function nodes(stack: Stack): Promise<Map<string, Node>> {
  const list = (await call<unknown, { nodes: Node[] }>(stack.client, 'listNodes', {})).nodes;
  return new Map(list.map((n) => [n.name, n]));
}

function writeInventory(home: string, text: string): void {
  fs.mkdirSync(path.join(home, 'controller'), { recursive: true });
  fs.writeFileSync(nodesFile(home), text);
}

test('a nodes.yaml that does not validate stops the start, naming file, node and field, and changes nothing', async (t) => {
  const home = tempHome();
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  const cases: [string, RegExp, string?][] = [
    ['nodes:\n  - name: daq01\n    host: 10.0.0.5\n', /node daq01: agentPort is required/, 'daq01'],
    ['nodes:\n  - name: daq01\n    host: 10.0.0.5\n    agentPort: 99999\n', /node daq01: agentPort must be a port/, 'daq01'],
    ['nodes:\n  - name: daq01\n    host: 10.0.0.5\n    agentPort: 7000\n    ssh: {port: "x"}\n', /node daq01: ssh.port must be a port/, 'daq01'],
    ['nodes:\n  - name: daq01\n    host: h\n    agentPort: 7000\n    colour: red\n', /node daq01: colour is not a field/, 'daq01'],
    ['nodes:\n  - {name: a, host: h, agentPort: 7000}\n  - {name: a, host: g, agentPort: 7000}\n', /node a: name is used twice/, 'a'],
    ['nodes:\n  - {name: Bad Name, host: h, agentPort: 7000}\n', /node #1: name "Bad Name" must match/],
    ['nodes:\n  - name: a\n    host: [unclosed\n', /nodes\.yaml:\d+:\d+: not valid YAML/],
  ];
  for (const [text, message, node] of cases) {
    writeInventory(home, text);
    await assert.rejects(
      startController({ home, listen: `unix://${home}/controller.sock`, token: TOKEN, agents: [], templatePolicy: TEST_TEMPLATE_POLICY }),
      (e: BatonError) => {
        assert.equal(e.code, 'BAD_INPUT', e.message);
        assert.match(e.message, message);
        assert.ok(e.message.startsWith(nodesFile(home)), `names the file: ${e.message}`);
        if (node) assert.equal(e.detail.node, node);
        return true;
      },
    );
    assert.equal(fs.readFileSync(nodesFile(home), 'utf8'), text, 'the file is left as it was');
    assert.equal(fs.existsSync(path.join(home, 'controller', 'baton.db')), false, 'no store was opened');
  }
});

test('add and remove edit nodes.yaml (comments kept); after a restart the inventory alone dials the nodes, with their defaults', async (t) => {
  const stack = await startStack({ realAgents: 1 });
  // a second agent on tcp loopback: the inventory keeps it as host + agentPort
  const extra = await startAgent({ name: 'extra', home: stack.home, listen: '127.0.0.1:0', token: TOKEN, labels: { zone: 'b' }, portRange: [26100, 26199] });
  t.after(async () => {
    await extra.stop({ killTasks: true });
    await stack.stop();
  });
  writeInventory(stack.home, '# the control room machines\nnodes: []  # filled by baton node add\n');

  const added = await call<unknown, Node>(stack.client, 'addNode', { address: extra.address, name: 'daq-extra', takeOver: false });
  assert.equal(added.up, true);
  assert.equal(added.inInventory, true);
  let text = fs.readFileSync(nodesFile(stack.home), 'utf8');
  assert.match(text, /# the control room machines/);
  const port = Number(extra.address.split(':').pop());
  assert.deepEqual(parse(text).nodes, [{ name: 'daq-extra', host: '127.0.0.1', agentPort: port }]);

  // a bad name changes nothing
  await assert.rejects(
    call(stack.client, 'addNode', { address: '127.0.0.1:1', name: 'Not A Name', takeOver: false }),
    (e: BatonError) => e.code === 'BAD_INPUT',
  );
  assert.equal(fs.readFileSync(nodesFile(stack.home), 'utf8'), text);

  // restarted without --agent: the inventory's node comes back (node-1 was only a --agent node),
  // with the labels a hand edit gave it over the agent's own
  await stack.stopController();
  fs.writeFileSync(
    nodesFile(stack.home),
    `# the control room machines\nnodes:\n  - name: daq-extra\n    host: 127.0.0.1\n    agentPort: ${port}\n    labels: {zone: c, rack: b}  # hand edit\n`,
  );
  await stack.restartController();
  const back = await waitFor(
    async () => {
      const n = (await nodes(stack)).get('daq-extra');
      return n?.up ? n : null;
    },
    10_000,
    'daq-extra up from the inventory',
  );
  assert.equal(back.address, extra.address);
  assert.equal(back.schedule, 'ready');
  assert.deepEqual(back.labels, { zone: 'c', rack: 'b' }, "the inventory's labels win over the agent's");

  const removed = await call<unknown, Node>(stack.client, 'removeNode', { name: 'daq-extra' });
  assert.equal(removed.name, 'daq-extra');
  text = fs.readFileSync(nodesFile(stack.home), 'utf8');
  assert.match(text, /# the control room machines/);
  assert.deepEqual(parse(text).nodes, []);
  assert.equal((fs.statSync(nodesFile(stack.home)).mode & 0o777).toString(8), '600');
  assert.equal((await nodes(stack)).has('daq-extra'), false);
});

test('cordon refuses new placements saying why; drain names the environments using the node until they leave; both survive a restart', async (t) => {
  const stack = await startStack({ realAgents: 2 });
  t.after(() => stack.stop());

  const env = await createEnv(stack.client, 'quick');
  const used = [...new Set(env.tasks.map((x) => x.node))];
  assert.ok(used.length >= 1);
  const [busy] = used as [string];
  const free = busy === 'node-1' ? 'node-2' : 'node-1';

  const drained = await call<unknown, Node>(stack.client, 'drainNode', { name: busy });
  assert.equal(drained.schedule, 'draining');
  assert.deepEqual(drained.usedBy, [env.id]);
  assert.equal(env.tasks.filter((x) => x.node === busy).length, drained.tasks, 'drain moved nothing');
  const cordoned = await call<unknown, Node>(stack.client, 'cordonNode', { name: free });
  assert.equal(cordoned.schedule, 'cordoned');

  // every up node refuses: the PLACEMENT error says they are cordoned and draining, not missing
  await assert.rejects(createEnv(stack.client, 'quick'), (e: BatonError) => {
    assert.equal(e.code, 'PLACEMENT');
    assert.match(e.message, /2 up node\(s\) take no new placements \(cordoned: node-\d; draining: node-\d/);
    return true;
  });

  // the state is in the file, so a restart keeps it
  const file = parse(fs.readFileSync(nodesFile(stack.home), 'utf8')) as { nodes: { name: string; cordoned?: boolean; drained?: boolean }[] };
  assert.deepEqual(
    file.nodes.find((n) => n.name === busy),
    { name: busy, address: `unix://${stack.home}/agent-${busy.slice(-1)}.sock`, cordoned: true, drained: true },
  );
  await stack.stopController();
  await stack.restartController();
  const after = await waitFor(
    async () => {
      const all = await nodes(stack);
      return all.get(busy)?.up && all.get(free)?.up ? all : null;
    },
    10_000,
    'both nodes up after the restart',
  );
  assert.equal(after.get(busy)!.schedule, 'draining');
  assert.deepEqual(after.get(busy)!.usedBy, [env.id]);
  assert.equal(after.get(free)!.schedule, 'cordoned');

  // the environment leaves: the drained node says so
  await call(stack.client, 'destroyEnvironment', { id: env.id, force: true });
  const done = await waitFor(
    async () => {
      const n = (await nodes(stack)).get(busy)!;
      return n.schedule === 'drained' ? n : null;
    },
    10_000,
    `${busy} drained`,
  );
  assert.deepEqual(done.usedBy, []);

  // uncordon: placements come back
  await call(stack.client, 'uncordonNode', { name: free });
  const placed = await createEnv(stack.client, 'quick');
  assert.deepEqual([...new Set(placed.tasks.map((x) => x.node))], [free], 'only the uncordoned node takes tasks');
  await assert.rejects(call(stack.client, 'drainNode', { name: 'nowhere' }), (e: BatonError) => e.code === 'NOT_FOUND');
});
