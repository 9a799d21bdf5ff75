// A CA rotation without a gap: after `baton certs rotate` (core/remote/certs/rotate.ts) the
// controller keeps its certificate from the old CA, a node gets one from the new CA, and both
// trust the bundle of the two: the controller still commands the agent and a client still
// reaches the controller. Without the bundle (the new CA alone) the same pair does not talk.
// --finish is refused while a certificate of the old CA is left. Real controller and agents on
// 127.0.0.1 with mutual TLS, certificates made by the `baton certs` code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { ControlClient, type Node } from '../../../core/rpc/gen/control.js';
import { tokenInterceptor } from '../../../core/rpc/auth.js';
import { startController } from '../../../core/controller/main.js';
import { startAgent } from '../../../core/agent/main.js';
import { caBundleFile, initCa, issue, loadCa, trustFile } from '../../../core/remote/certs/pki.js';
import { signLeaf } from '../../../core/remote/certs/x509.js';
import { finishRotation, rotateCa } from '../../../core/remote/certs/rotate.js';
import { BatonError } from '../../../core/model/errors.js';
import { call, tempHome, waitFor, TOKEN } from '../controller/harness.js';

const HOST = ['127.0.0.1'];

test('mid-rotation, a controller and an agent with certificates of different CAs of the bundle talk', async (t) => {
  const home = tempHome();
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  const oldCa = fs.readFileSync((await initCa(home)).cert, 'utf8');
  const ctlFiles = await issue(home, 'controller', 'ctl', HOST); // signed by the old CA
  const rotation = await rotateCa(home);
  assert.equal(trustFile(home), rotation.bundle, 'certificates issued now name the bundle');
  const nodeFiles = await issue(home, 'node', 'n1', HOST); // signed by the new CA
  // a client certificate of the new CA without a Baton identity: the token says who calls
  const clientPair = await signLeaf(loadCa(home), { identity: null, hosts: HOST, days: 1, usages: ['clientAuth'] });
  assert.equal(nodeFiles.ca, rotation.bundle);
  assert.notEqual(fs.readFileSync(rotation.ca, 'utf8'), oldCa, 'a new CA');
  assert.equal(fs.readFileSync(rotation.previous, 'utf8'), oldCa, 'the old one kept');

  const agent = await startAgent({
    name: 'n1',
    home,
    listen: '127.0.0.1:0',
    token: TOKEN,
    labels: {},
    tls: { cert: nodeFiles.cert, key: nodeFiles.key, ca: rotation.bundle },
  });
  t.after(() => agent.stop({ killTasks: true }));
  // the new CA alone: an agent that does not trust the old CA yet
  const strict = await startAgent({
    name: 'n2',
    home,
    listen: '127.0.0.1:0',
    token: TOKEN,
    labels: {},
    tls: { cert: nodeFiles.cert, key: nodeFiles.key, ca: rotation.ca },
  });
  t.after(() => strict.stop({ killTasks: true }));
  const ctl = await startController({
    home,
    listen: '127.0.0.1:0',
    token: TOKEN,
    agents: [agent.address, strict.address],
    tls: { cert: ctlFiles.cert, key: ctlFiles.key, ca: rotation.bundle },
  });
  t.after(() => ctl.stop());

  const rd = (f: string) => fs.readFileSync(f);
  // a client with a certificate of the new CA, trusting the bundle, reaches the old-CA controller
  const client = new ControlClient(ctl.address, grpc.credentials.createSsl(rd(rotation.bundle), Buffer.from(clientPair.key), Buffer.from(clientPair.cert)), {
    interceptors: [tokenInterceptor(TOKEN)],
  });
  t.after(() => client.close());
  const nodes = async () => (await call<unknown, { nodes: Node[] }>(client, 'listNodes', {})).nodes;
  const up = await waitFor(async () => (await nodes()).find((n) => n.name === 'n1' && n.up), 10_000, 'node n1 up over the bundle');
  assert.equal(up.address, agent.address);
  // the agent trusting only the new CA refuses the controller's old-CA certificate
  assert.ok(!(await nodes()).some((n) => n.address === strict.address && n.up), 'the agent without the bundle is not up');

  // the rotation cannot be finished while the controller's certificate is the old CA's
  assert.throws(
    () => finishRotation(home),
    (e: unknown) => e instanceof BatonError && e.code === 'BAD_INPUT' && e.message.includes(ctlFiles.cert),
  );
  await issue(home, 'controller', 'ctl', HOST);
  const done = finishRotation(home);
  assert.ok(done.removed.includes(caBundleFile(home)));
  assert.equal(fs.existsSync(caBundleFile(home)), false);
  assert.equal(trustFile(home), rotation.ca, 'from now on only the new CA is trusted');
});

test('a rotation under way is not started again, and --finish without one is refused', async (t) => {
  const home = tempHome();
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  await initCa(home);
  assert.throws(
    () => finishRotation(home),
    (e: unknown) => e instanceof BatonError && /no CA rotation is under way/.test(e.message),
  );
  await rotateCa(home);
  await assert.rejects(rotateCa(home), (e: unknown) => e instanceof BatonError && e.code === 'BAD_INPUT' && /finish it first/.test(e.message));
});
