// Mutual TLS: with certificates an agent may listen on a network address; a client without a
// certificate signed by the CA is refused. Certificates are made with the openssl command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { AgentClient, type HealthReply } from '../../../core/rpc/gen/agent.js';
import { tokenInterceptor } from '../../../core/rpc/auth.js';
import { startAgent } from '../../../core/agent/main.js';
import { makeCa, signLeaf } from '../tls/certs.js';
import { opensslExtensions } from '../../../core/rpc/identity.js';
import { tempHome, TOKEN } from './harness.js';

function makeCerts(dir: string): void {
  makeCa(dir, 'ca');
  // the agent takes commands only from a certificate with a controller identity (core/rpc/identity.ts)
  const hosts = { dns: ['localhost'], ip: ['127.0.0.1'] };
  signLeaf(dir, 'agent', 'localhost', 'ca', opensslExtensions('node', 'agent', hosts));
  signLeaf(dir, 'ctl', 'controller', 'ca', opensslExtensions('controller', 'ctl', hosts));
}

function health(c: AgentClient): Promise<HealthReply> {
  return new Promise((resolve, reject) => c.health({}, { deadline: Date.now() + 5000 } as never, (e, v) => (e ? reject(e) : resolve(v))));
}

test('with mutual TLS an agent listens on a network address and wants a client certificate', async (t) => {
  const home = tempHome();
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    t.skip('no openssl command');
    return;
  }
  makeCerts(home);
  const f = (n: string) => path.join(home, n);
  const agent = await startAgent({
    name: 'n1',
    home,
    listen: '0.0.0.0:0',
    token: TOKEN,
    labels: {},
    tls: { cert: f('agent.crt'), key: f('agent.key'), ca: f('ca.crt') },
  });
  const port = agent.address.split(':').pop();
  const good = new AgentClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createSsl(fs.readFileSync(f('ca.crt')), fs.readFileSync(f('ctl.key')), fs.readFileSync(f('ctl.crt'))),
    { interceptors: [tokenInterceptor(TOKEN)] },
  );
  const anon = new AgentClient(`127.0.0.1:${port}`, grpc.credentials.createSsl(fs.readFileSync(f('ca.crt'))), { interceptors: [tokenInterceptor(TOKEN)] });
  t.after(async () => {
    good.close();
    anon.close();
    await agent.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  assert.equal((await health(good)).node, 'n1');
  await assert.rejects(health(anon));
});
