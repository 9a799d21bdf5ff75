// Every process of a local stack serves /metrics on a loopback port chosen when the stack starts.
// The kernel's choice for port 0 often repeats a port it gave a moment ago (1 start in 40 drew a
// port twice for 25 processes): one sim-agent process of a 1M-task farm then could not listen and
// exited with code 2 while starting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { freeLoopbackPort } from '../../../core/local/metrics.js';

test('the ports handed to a stack are all different, and each can be listened on', async () => {
  const ports: number[] = [];
  for (let i = 0; i < 200; i++) ports.push(await freeLoopbackPort());
  const repeated = ports.filter((p, i) => ports.indexOf(p) !== i);
  assert.deepEqual(repeated, [], `ports handed out twice: ${repeated.join(', ')}`);
  // listen on all of them at once, as the stack's processes do
  const servers = await Promise.all(
    ports.map(
      (port) =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(port, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});
