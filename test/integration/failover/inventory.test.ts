// With an etcd store the node inventory is the cluster's, kept in the store: a node added and a
// node drained through the leader are known to its successor after a kill -9, although the
// successor's own nodes.yaml (imported by the first leader, then no longer read) lacks both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent } from '../../../core/agent/main.js';
import { baton } from '../cli/harness.js';
import { startCluster, TOKEN, waitUntil } from './cluster.js';

interface NodeDoc {
  name: string;
  up: boolean;
  schedule: string;
  inInventory: boolean;
}

const NODES_YAML = `# the lab's spare machine
nodes:
  - name: spare
    host: 10.99.0.7
    agentPort: 7100
    cordoned: true
`;

test('the inventory lives in etcd: a node added and one drained through the leader are seen by its successor', async (t) => {
  const cluster = await startCluster({
    controllers: 2,
    agents: 1,
    // both homes have the same nodes.yaml: whichever leads first imports it
    prepare: (home) => {
      for (const i of [0, 1]) {
        fs.mkdirSync(path.join(home, `controller-${i}`, 'controller'), { recursive: true, mode: 0o700 });
        fs.writeFileSync(path.join(home, `controller-${i}`, 'controller', 'nodes.yaml'), NODES_YAML, { mode: 0o600 });
      }
    },
  });
  t.after(() => cluster.stop());
  const extra = await startAgent({ name: 'node-9', home: cluster.home, listen: `unix://${cluster.home}/agent-9.sock`, token: TOKEN, labels: {} });
  t.after(() => extra.stop({ killTasks: true }));

  const first = await cluster.leader();
  assert.match(first.output(), /imported .*nodes\.yaml into the cluster's store/);
  const nodes = async () => cluster.json<NodeDoc[]>(['node', 'list']);
  const spare = (await nodes()).find((n) => n.name === 'spare');
  assert.equal(spare?.schedule, 'cordoned', 'the imported entry is in force');
  assert.equal(spare?.inInventory, true);

  const added = await cluster.cli(['node', 'add', extra.address]);
  assert.equal(added.code, 0, added.stderr);
  const drained = await cluster.cli(['node', 'drain', 'node-1']);
  assert.equal(drained.code, 0, drained.stderr);

  await first.kill9();
  const second = await cluster.leader();
  assert.notEqual(second.index, first.index);
  const seen = await waitUntil(
    async () => {
      const list = await nodes().catch(() => null);
      return list?.find((n) => n.name === 'node-9')?.up ? list : null;
    },
    30_000,
    'the successor dialling the node added through the first leader',
  );
  const byName = new Map(seen.map((n) => [n.name, n]));
  assert.equal(byName.get('node-9')?.inInventory, true);
  assert.equal(byName.get('node-1')?.schedule, 'drained', 'the drain made through the first leader holds');
  assert.equal(byName.get('spare')?.schedule, 'cordoned');
  // its own file is left as it was, and it says the file is not used
  assert.equal(fs.readFileSync(path.join(cluster.home, `controller-${second.index}`, 'controller', 'nodes.yaml'), 'utf8'), NODES_YAML);
  assert.match(second.output(), /nodes\.yaml is not used: the cluster's inventory is in the store/);

  // an edit through the successor is kept in the store too
  const removed = await cluster.cli(['node', 'remove', 'spare']);
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(
    (await nodes()).find((n) => n.name === 'spare'),
    undefined,
  );

  // bootstrap reads the same inventory from the store: it knows node-9 (added through the first
  // leader, in no nodes.yaml) and no longer spare; a node not there is refused naming the store
  const store = cluster.etcd.storeUrl('baton-failover');
  const refused = await baton(cluster.home, ['node', 'bootstrap', 'nosuch', '--store', store]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /node nosuch is not in the inventory etcd:.* meta\/inventory \(it lists (node-1, node-9|node-9, node-1)\)/);
  const both = await baton(cluster.home, ['node', 'upgrade', '--store', store, '--inventory', 'nodes.yaml']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--inventory and --store: give one/);
});
