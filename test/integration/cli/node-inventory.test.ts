// `baton node cordon|drain|uncordon|remove|list` through the real CLI: each says the node's new
// state, `node list` shows it, the inventory file keeps it, and an unknown node exits 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { baton, tempHome } from './harness.js';
import { startAgent } from '../../../core/agent/main.js';
import { startController } from '../../../core/controller/main.js';

const TOKEN = 'cli-inventory-token';

test('node cordon, drain, uncordon and remove: the state in the reply, in node list and in nodes.yaml', async (t) => {
  const home = tempHome();
  const agent = await startAgent({ name: 'rack-7', home, listen: `unix://${home}/rack-7.sock`, token: TOKEN, labels: {}, portRange: [24300, 24399] });
  const controllerHome = path.join(home, 'ctl');
  const ctl = await startController({ home: controllerHome, listen: `unix://${home}/ctl.sock`, token: TOKEN });
  t.after(async () => {
    await ctl.stop();
    await agent.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  const env = { BATON_CONTROLLER: ctl.address, BATON_TOKEN: TOKEN };
  const file = path.join(controllerHome, 'controller', 'nodes.yaml');

  const added = await baton(home, ['node', 'add', agent.address, '--name', 'rack-7'], { env });
  assert.equal(added.code, 0, added.stdout + added.stderr);
  assert.deepEqual(parse(fs.readFileSync(file, 'utf8')).nodes, [{ name: 'rack-7', address: agent.address }]);

  const cordoned = await baton(home, ['node', 'cordon', 'rack-7'], { env });
  assert.equal(cordoned.code, 0, cordoned.stderr);
  assert.match(cordoned.stdout, /^node rack-7 cordoned$/m);
  assert.match((await baton(home, ['node', 'list'], { env })).stdout, /rack-7\s+up\s+cordoned/);

  const drained = await baton(home, ['node', 'drain', 'rack-7'], { env });
  assert.match(drained.stdout, /^node rack-7 drained\nno environment uses it$/m);
  assert.deepEqual(parse(fs.readFileSync(file, 'utf8')).nodes, [{ name: 'rack-7', address: agent.address, cordoned: true, drained: true }]);
  const json = JSON.parse((await baton(home, ['node', 'list', '--json'], { env })).stdout) as { name: string; schedule: string; usedBy: string[] }[];
  assert.deepEqual(
    json.map((n) => [n.name, n.schedule, n.usedBy]),
    [['rack-7', 'drained', []]],
  );

  const uncordoned = await baton(home, ['node', 'uncordon', 'rack-7'], { env });
  assert.match(uncordoned.stdout, /^node rack-7 ready$/m);

  const unknown = await baton(home, ['node', 'drain', 'nowhere'], { env });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /node nowhere not found/);

  const removed = await baton(home, ['node', 'remove', 'rack-7'], { env });
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout, /^node rack-7 removed$/m);
  assert.deepEqual(parse(fs.readFileSync(file, 'utf8')).nodes, []);
});
