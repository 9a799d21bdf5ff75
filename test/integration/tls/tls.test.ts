// Mutual TLS end to end: a controller and an agent on 127.0.0.1 TCP ports with certificates from a
// test CA; the controller runs `quick` on the agent, the CLI talks to the controller with (and is
// refused without) a client certificate, and a controller without certificates cannot command the
// agent. Real processes, real gRPC, certificates made with openssl in a temp dir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { BatonError } from '../../../core/model/errors.js';
import { ControlClient, type Node } from '../../../core/rpc/gen/control.js';
import { AgentClient } from '../../../core/rpc/gen/agent.js';
import { fromServiceError } from '../../../core/rpc/errors.js';
import { tokenInterceptor } from '../../../core/rpc/auth.js';
import { startController, type ControllerHandle } from '../../../core/controller/main.js';
import { startAgent, type AgentHandle } from '../../../core/agent/main.js';
import { call, createEnv, listTasks, mustControl, tempHome, waitFor, alive, TOKEN } from '../controller/harness.js';
import { spawn } from 'node:child_process';
import { baton, BATON, cleanEnv } from '../cli/harness.js';
import { haveOpenssl, makeCerts, type Certs, type Pem } from './certs.js';

const skip = haveOpenssl() ? false : 'no openssl command';

let home = '';
let certs: Certs;
let agent: AgentHandle;
let ctl: ControllerHandle;
let client: ControlClient;
const closers: (() => Promise<void> | void)[] = [];

function tlsClient(address: string, pem: Pem): ControlClient {
  const rd = (p: string) => fs.readFileSync(p);
  return new ControlClient(address, grpc.credentials.createSsl(rd(pem.ca), rd(pem.key), rd(pem.cert)), { interceptors: [tokenInterceptor(TOKEN)] });
}

async function nodes(c: ControlClient): Promise<Node[]> {
  return (await call<unknown, { nodes: Node[] }>(c, 'listNodes', {})).nodes;
}

before(async () => {
  if (skip) return;
  home = tempHome();
  certs = makeCerts(home);
  agent = await startAgent({
    name: 'tls-1',
    home,
    listen: '127.0.0.1:0',
    token: TOKEN,
    labels: { zone: 'test' },
    portRange: [24000, 24999],
    tls: certs.agent,
  });
  ctl = await startController({ home, listen: '127.0.0.1:0', token: TOKEN, agents: [agent.address], tls: certs.ctl, heartbeatTimeoutMs: 3000 });
  client = tlsClient(ctl.address, certs.cli);
});

after(async () => {
  for (const c of closers.reverse()) await c();
  client?.close();
  await ctl?.stop();
  await agent?.stop({ killTasks: true });
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

test('a TLS controller sees the TLS agent up and runs quick on it', { skip }, async () => {
  assert.match(ctl.address, /^127\.0\.0\.1:\d+$/);
  const up = await waitFor(async () => (await nodes(client)).find((n) => n.name === 'tls-1' && n.up), 10_000, 'node tls-1 up');
  assert.equal(up.address, agent.address);

  const env = await createEnv(client, 'quick');
  assert.ok(
    env.tasks.every((t) => t.node === 'tls-1'),
    'every task is placed on the TLS agent',
  );
  assert.equal((await mustControl(client, env.id, 'DEPLOY')).state, 'DEPLOYED');
  const pids = (await listTasks(client, env.id)).map((t) => t.pid);
  assert.ok(
    pids.every((p) => p > 0 && alive(p)),
    'tasks run as processes',
  );
  await mustControl(client, env.id, 'CONFIGURE');
  const run = await mustControl(client, env.id, 'START_ACTIVITY');
  assert.equal(run.state, 'RUNNING');
  assert.ok(run.runNumber! > 0);
  await mustControl(client, env.id, 'STOP_ACTIVITY');
  assert.equal((await mustControl(client, env.id, 'EXIT')).state, 'DONE');
  await waitFor(() => pids.every((p) => !alive(p)), 10_000, 'task processes gone after EXIT');
});

test('the CLI talks to a TLS controller with a client certificate (flags or BATON_TLS_*)', { skip }, async () => {
  const env = await createEnv(client, 'quick');
  const base = ['--controller', ctl.address, '--token', TOKEN];
  const flags = ['--tls-cert', certs.cli.cert, '--tls-key', certs.cli.key, '--tls-ca', certs.cli.ca];

  const r = await baton(home, [...base, ...flags, 'env', 'list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(
    (JSON.parse(r.stdout) as { id: string }[]).some((e) => e.id === env.id),
    'env list shows the environment',
  );

  const viaEnv = await baton(home, [...base, 'env', 'list', '--json'], {
    env: { BATON_TLS_CERT: certs.cli.cert, BATON_TLS_KEY: certs.cli.key, BATON_TLS_CA: certs.cli.ca },
  });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.ok((JSON.parse(viaEnv.stdout) as { id: string }[]).some((e) => e.id === env.id));
  await mustControl(client, env.id, 'EXIT').catch(() => {});
});

test('the CLI without a certificate, or with one from another CA, is refused', { skip }, async () => {
  const base = ['--controller', ctl.address, '--token', TOKEN];
  const none = await baton(home, [...base, 'env', 'list', '--json']);
  assert.equal(none.code, 1, none.stdout + none.stderr);
  assert.equal(JSON.parse(none.stdout).error.code, 'UNAVAILABLE');

  const s = certs.stranger;
  const stranger = await baton(home, [...base, '--tls-cert', s.cert, '--tls-key', s.key, '--tls-ca', s.ca, 'env', 'list', '--json']);
  assert.equal(stranger.code, 1, stranger.stdout + stranger.stderr);
  assert.equal(JSON.parse(stranger.stdout).error.code, 'UNAVAILABLE');

  // human output names the failure too
  const plain = await baton(home, [...base, 'env', 'list']);
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /cannot reach|UNAVAILABLE/i);
});

test('a partial set of TLS flags or an unreadable file is bad input that names it', { skip }, async () => {
  const base = ['--controller', ctl.address, '--token', TOKEN];
  const partial = await baton(home, [...base, '--tls-cert', certs.cli.cert, 'env', 'list', '--json']);
  assert.equal(partial.code, 2, partial.stdout + partial.stderr);
  const err = JSON.parse(partial.stdout).error;
  assert.equal(err.code, 'BAD_INPUT');
  assert.match(err.message, /--tls-key.*--tls-ca/);

  const missing = await baton(home, [...base, '--tls-cert', `${home}/nope.crt`, '--tls-key', certs.cli.key, '--tls-ca', certs.cli.ca, 'env', 'list', '--json']);
  assert.equal(missing.code, 2);
  assert.match(JSON.parse(missing.stdout).error.message, /nope\.crt/);

  await assert.rejects(
    startController({ home: tempHomeIn(), listen: '127.0.0.1:0', token: TOKEN, tls: { ...certs.ctl, key: `${home}/nope.key` } }),
    (e: BatonError) => e.code === 'BAD_INPUT' && /nope\.key/.test(e.message),
  );
});

test('a controller without client certificates cannot open a session to the TLS agent', { skip }, async () => {
  const h2 = tempHomeIn();
  const plain = await startController({ home: h2, listen: `unix://${h2}/controller.sock`, token: TOKEN, agents: [agent.address] });
  const c2 = new ControlClient(plain.address, grpc.credentials.createInsecure(), { interceptors: [tokenInterceptor(TOKEN)] });
  // a controller with a certificate from another CA is refused as well
  const h3 = tempHomeIn();
  const stranger = await startController({ home: h3, listen: `unix://${h3}/controller.sock`, token: TOKEN, agents: [agent.address], tls: certs.stranger });
  const c3 = new ControlClient(stranger.address, grpc.credentials.createInsecure(), { interceptors: [tokenInterceptor(TOKEN)] });
  closers.push(async () => {
    c2.close();
    c3.close();
    await plain.stop();
    await stranger.stop();
  });
  // give them time to try (startController already waited for the agent to say Hello)
  await new Promise((r) => setTimeout(r, 1000));
  for (const c of [c2, c3]) {
    const ns = await nodes(c);
    assert.ok(!ns.some((n) => n.up), `no node is up: ${JSON.stringify(ns)}`);
  }
  // the TLS controller keeps its session
  assert.ok((await nodes(client)).find((n) => n.name === 'tls-1')?.up, 'tls-1 is still up on the TLS controller');
});

test('without TLS, a network agent address or listen address is refused at once, naming it', { skip }, async () => {
  const h = tempHomeIn();
  await assert.rejects(
    startController({ home: h, listen: `unix://${h}/controller.sock`, token: TOKEN, agents: ['192.0.2.10:7000'] }),
    (e: BatonError) => e.code === 'BAD_INPUT' && /192\.0\.2\.10:7000/.test(e.message) && /--tls-cert/.test(e.message),
  );
  assert.ok(!fs.existsSync(`${h}/controller/baton.db`), 'nothing was opened');
  await assert.rejects(startController({ home: h, listen: '0.0.0.0:0', token: TOKEN }), (e: BatonError) => e.code === 'BAD_INPUT' && /TLS/.test(e.message));

  const plain = await startController({ home: h, listen: `unix://${h}/controller.sock`, token: TOKEN });
  const c = new ControlClient(plain.address, grpc.credentials.createInsecure(), { interceptors: [tokenInterceptor(TOKEN)] });
  closers.push(async () => {
    c.close();
    await plain.stop();
  });
  await assert.rejects(
    call(c, 'addNode', { address: '192.0.2.10:7000', name: '' }),
    (e: BatonError) => e.code === 'BAD_INPUT' && /192\.0\.2\.10:7000/.test(e.message) && /--tls-ca/.test(e.message),
  );
  assert.deepEqual(await nodes(c), [], 'no node was added');

  // with TLS the controller may listen on a network address
  const h4 = tempHomeIn();
  const wide = await startController({ home: h4, listen: '0.0.0.0:0', token: TOKEN, tls: certs.ctl });
  closers.push(() => wide.stop());
  const port = wide.address.split(':').pop();
  const wc = tlsClient(`127.0.0.1:${port}`, certs.cli);
  closers.push(() => wc.close());
  assert.ok(Array.isArray(await nodes(wc)));
});

test('a TLS controller still dials a unix-socket agent in the clear, and serves a unix socket in the clear', { skip }, async () => {
  const h = tempHomeIn();
  const local = await startAgent({ name: 'unix-1', home: h, listen: `unix://${h}/agent.sock`, token: TOKEN, labels: {}, portRange: [24000, 24999] });
  closers.push(() => local.stop({ killTasks: true }));
  const c = await startController({ home: h, listen: `unix://${h}/controller.sock`, token: TOKEN, agents: [local.address], tls: certs.ctl });
  const cc = new ControlClient(c.address, grpc.credentials.createInsecure(), { interceptors: [tokenInterceptor(TOKEN)] });
  closers.push(async () => {
    cc.close();
    await c.stop();
  });
  await waitFor(async () => (await nodes(cc)).find((n) => n.name === 'unix-1' && n.up), 10_000, 'node unix-1 up');
});

test('`baton agent` and `baton controller` take --tls-cert/--tls-key/--tls-ca', { skip }, async () => {
  const h = tempHomeIn();
  const flags = (p: Pem) => ['--tls-cert', p.cert, '--tls-key', p.key, '--tls-ca', p.ca];
  const partial = await baton(h, ['agent', '--name', 'x', '--listen', '0.0.0.0:0', '--tls-cert', certs.agent.cert]);
  assert.equal(partial.code, 2, partial.stdout + partial.stderr);
  assert.match(partial.stdout + partial.stderr, /--tls-key/);

  // a foreground controller with TLS that dials its own TLS agent (an agent serves one controller at
  // a time); the CLI lists the node through it
  const a2 = await startAgent({ name: 'tls-2', home: h, listen: '127.0.0.1:0', token: TOKEN, labels: {}, portRange: [24000, 24999], tls: certs.agent });
  closers.push(() => a2.stop({ killTasks: true }));
  const child = spawn(process.execPath, [BATON, '--token', TOKEN, 'controller', '--listen', '127.0.0.1:0', '--agent', a2.address, ...flags(certs.ctl)], {
    env: cleanEnv(h),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  closers.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  const address = await waitFor(() => /listening on (127\.0\.0\.1:\d+)/.exec(out)?.[1], 20_000, `controller listening (${out})`);
  const r = await baton(h, ['--controller', address, '--token', TOKEN, ...flags(certs.cli), 'node', 'list', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const listed = JSON.parse(r.stdout) as { name: string; up: boolean }[];
  assert.ok(
    listed.some((n) => n.name === 'tls-2' && n.up),
    r.stdout,
  );
  child.kill('SIGTERM');
  await exited;
});

function tempHomeIn(): string {
  const h = tempHome();
  closers.push(() => fs.rmSync(h, { recursive: true, force: true }));
  return h;
}

test("an agent obeys only its controller: another node's certificate (same CA), or one with no Baton identity, is refused", { skip }, async () => {
  // a controller holding another node's certificate (as on a compromised node) dials tls-1
  const h = tempHomeIn();
  const rogue = await startController({ home: h, listen: `unix://${h}/controller.sock`, token: TOKEN, agents: [agent.address], tls: certs.node2 });
  const rc = new ControlClient(rogue.address, grpc.credentials.createInsecure(), { interceptors: [tokenInterceptor(TOKEN)] });
  closers.push(async () => {
    rc.close();
    await rogue.stop();
  });
  const refused = await waitFor(async () => (await nodes(rc)).find((n) => n.refused), 10_000, 'the node refuses the rogue controller');
  assert.equal(refused.up, false);
  assert.match(refused.refused, /takes commands only from its controller/);
  assert.match(refused.refused, /baton:\/\/node\/node-2/);
  assert.ok(!(await nodes(rc)).some((n) => n.up), 'no node is up for the rogue controller');

  // every Agent call, not only the session: Health with a node's and with an anonymous certificate
  const rd = (p: string) => fs.readFileSync(p);
  for (const [pem, pattern] of [
    [certs.node2, /a node's \(baton:\/\/node\/node-2\)/],
    [certs.anonymous, /carries no Baton identity/],
  ] as const) {
    const ac = new AgentClient(agent.address, grpc.credentials.createSsl(rd(pem.ca), rd(pem.key), rd(pem.cert)), { interceptors: [tokenInterceptor(TOKEN)] });
    const err = await new Promise<BatonError>((resolve, reject) =>
      ac.health({}, (e) => {
        ac.close();
        return e ? resolve(fromServiceError(e)) : reject(new Error('health answered a non-controller certificate'));
      }),
    );
    assert.equal(err.code, 'PERMISSION_DENIED');
    assert.match(err.message, pattern);
  }
  // the real controller keeps its session
  assert.ok((await nodes(client)).find((n) => n.name === 'tls-1')?.up, 'tls-1 is still up on its controller');
});
