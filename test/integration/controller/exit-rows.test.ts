// The rows an EXIT leaves in a real SQLite file: a controller killed -9 right after the EXIT's reply
// has stored every task's exit (written as the exit columns only, Store.putTaskExits) and kept the
// rest of each row as the launch wrote it (pid, node, log path, ports, addresses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startAgent } from '../../../core/agent/main.js';
import { openSqliteStore } from '../../../core/store/sqlite.js';
import { decodeTaskState } from '../../../core/store/task-states.js';
import { agentPorts, alive, controlClient, createEnv, listTasks, mustControl, tempHome, tempRepo, TOKEN } from './harness.js';
import { startChildController } from './procs.js';

const WORKFLOW = `name: bound-sleepers
roles:
  - name: sleeper-{{ it }}
    for: {range: "{{ range(0, 5) }}", var: it}
    task: {class: bound-sleeper}
`;
const SLEEPER = `name: bound-sleeper
control: basic
command: /bin/sleep
args: ["1000"]
kill: {term: 3s}
bind:
  - {name: out, type: push, transport: tcp}
`;

test('kill -9 of the controller right after an EXIT reply: the SQLite file has every exit and the rest of each row', async (t) => {
  const home = tempHome();
  const repo = tempRepo(home, { 'workflows/bound-sleepers.yaml': WORKFLOW, 'tasks/bound-sleeper.yaml': SLEEPER });
  const agent = await startAgent({ name: 'node-1', home, listen: `unix://${home}/agent.sock`, token: TOKEN, labels: {}, portRange: agentPorts(1) });
  const ctl = await startChildController({ home, listen: `unix://${home}/controller.sock`, token: TOKEN, agents: [agent.address], templateRepos: [repo] });
  const c = controlClient(ctl.address);
  t.after(async () => {
    c.close();
    await ctl.kill9();
    await agent.stop({ killTasks: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  const env = await createEnv(c, 'bound-sleepers');
  await mustControl(c, env.id, 'DEPLOY');
  const launched = await listTasks(c, env.id);
  assert.equal(launched.length, 5);
  assert.ok(launched.every((x) => x.pid > 0 && x.ports.out! > 0 && x.logPath));
  await mustControl(c, env.id, 'EXIT');
  await ctl.kill9();
  assert.ok(
    launched.every((x) => !alive(x.pid)),
    'every process gone',
  );

  const store = openSqliteStore(path.join(home, 'controller', 'baton.db'));
  try {
    const rows = await store.listTasks(env.id);
    const vector = (await store.getTaskStateVector(env.id))!;
    assert.equal(rows.length, 5);
    for (const x of launched) {
      const row = rows.find((r) => r.id === x.id)!;
      assert.deepEqual(row.exit && { exited: (row.exit as { exited: boolean }).exited, signal: (row.exit as { signal: string }).signal }, {
        exited: true,
        signal: 'SIGTERM',
      });
      assert.equal(row.state, 'DONE');
      assert.equal(row.pid, x.pid);
      assert.equal(row.node, 'node-1');
      assert.equal(row.logPath, x.logPath);
      assert.deepEqual(row.ports, x.ports);
      assert.deepEqual(row.addresses, x.addresses);
      assert.equal(row.lost, false);
    }
    for (let i = 0; i < 5; i++) assert.deepEqual(decodeTaskState(vector, i), { state: 'DONE', lost: false });
  } finally {
    await store.close();
  }
});
