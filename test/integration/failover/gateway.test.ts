// The console's gateway given every controller of a cluster: after kill -9 of the leader, the same
// API call is answered by the successor (the gateway's client follows the leader), with the
// environment as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway } from '../../../core/gateway/main.js';
import { TOKEN_HEADER } from '../../../core/gateway/contract.js';
import { startCluster, TOKEN, waitUntil } from './cluster.js';

test('the console gateway follows the leader through a take-over', async (t) => {
  const cluster = await startCluster({ controllers: 2, agents: 1 });
  t.after(() => cluster.stop());
  const gateway = await startGateway({ controller: cluster.all, token: TOKEN, listen: '127.0.0.1:0' });
  t.after(() => gateway.stop());
  const api = async (method: string, body: object) => {
    const res = await fetch(`${gateway.url}api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: gateway.token },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  const first = await cluster.leader();
  const created = await api('CreateEnvironment', { workflow: 'quick' });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const id = created.body.id as string;

  await first.kill9();
  const listed = await waitUntil(
    async () => {
      const r = await api('ListEnvironments', {});
      return r.status === 200 ? r.body : null;
    },
    30_000,
    'the gateway answered by the successor',
  );
  assert.deepEqual(
    (listed.environments as { id: string }[]).map((e) => e.id),
    [id],
  );
  const second = await cluster.leader();
  assert.notEqual(second, first);
});
