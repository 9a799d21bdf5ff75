// `baton node bootstrap` and `baton node upgrade` against real sshd hosts (test/support/ssh-hosts.ts:
// each in its own network namespace, else on loopback; the test prints which). The hosts share
// this machine's filesystem: each node gets its own install folder. Everything goes through the
// real CLI: certificates, bootstrap from empty, a re-run that changes nothing, a repair, every
// failure case with its error, then a daq-chain across the bootstrapped agents over TCP with
// mutual TLS (a real controller, the CLI), and an upgrade in the middle of a run that keeps the
// task processes.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BATON, baton, cleanEnv, json, ok, pollUntil, tempHome } from '../cli/harness.js';
import { alive, type EnvDoc } from '../e2e-cycle/common.js';
import { startSshHosts, type SshHosts } from '../../support/ssh-hosts.js';

/** the login on the test hosts: the user running the tests (the hosts' sshd runs as that user too) */
const LOGIN = os.userInfo().username;
import * as os from 'node:os';

interface HostResultDoc {
  node: string;
  ok: boolean;
  changed: boolean;
  service?: string;
  agentPid?: number;
  installDir?: string;
  error?: { code: string; message: string; data?: Record<string, string> };
}

const TOKEN = 'bootstrap-test-token';

describe('baton node bootstrap over ssh', { timeout: 600_000 }, () => {
  let hosts: SshHosts;
  let home: string;
  let inventory: string;
  let controller: ChildProcess | null = null;

  const node = (name: string, i: number, extra: Record<string, unknown> = {}) => {
    const h = hosts.hosts[i]!;
    return {
      name,
      host: h.address,
      agentPort: h.agentPort,
      ssh: { user: LOGIN, port: h.sshPort, key: hosts.clientKey, knownHosts: hosts.knownHosts },
      ports: { from: 31000 + i * 100, to: 31099 + i * 100 },
      ...extra,
    };
  };
  const writeInventory = (file: string, nodes: object[]) => fs.writeFileSync(file, JSON.stringify({ nodes }, null, 2)); // JSON is YAML
  const bootstrap = (args: string[], file = inventory) =>
    baton(home, ['node', ...args, '--inventory', file, '--install-root', hosts.installRoot], { timeoutMs: 300_000 });
  const results = async (args: string[], file = inventory): Promise<HostResultDoc[]> => {
    const r = await bootstrap([...args, '--json'], file);
    return JSON.parse(r.stdout) as HostResultDoc[];
  };
  const pidFile = (name: string, f: string) => Number(fs.readFileSync(path.join(hosts.installRoot, name, f), 'utf8'));

  before(async () => {
    // host-4: a PATH without Node.js; host-5: a `node` that is too old
    hosts = await startSshHosts([{}, {}, {}, { node: 'missing' }, { node: 'old' }]);
    process.stdout.write(
      `# ssh test hosts: ${hosts.mode === 'netns' ? 'one network namespace each' : 'loopback addresses (network namespaces could not be made)'}: ${hosts.hosts.map((h) => `${h.address}:${h.sshPort}`).join(', ')}\n`,
    );
    home = tempHome();
    inventory = path.join(home, 'nodes.yaml');
    writeInventory(inventory, [node('n1', 0, { labels: { zone: 'upstream' } }), node('n2', 1), node('n3', 2)]);
  });

  after(async () => {
    if (controller && controller.exitCode === null) controller.kill('SIGKILL');
    await hosts?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('makes the CA and certificates without openssl', async () => {
    await ok(home, ['certs', 'init']);
    const again = await baton(home, ['certs', 'init']);
    assert.equal(again.code, 2, 'a second init is refused');
    assert.match(again.stderr, /a CA exists already/);
    await ok(home, ['certs', 'issue', 'controller', 'ctl', '--host', hosts.localAddress]);
    assert.equal(fs.statSync(path.join(home, 'pki')).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(home, 'pki', 'ca.key')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(home, 'pki', 'controller', 'ctl.key')).mode & 0o777, 0o600);
    const list = await json<{ identity: string; hosts: string[]; current: boolean }[]>(home, ['certs', 'list']);
    assert.deepEqual(
      list.map((c) => c.identity),
      ['CA', 'baton://controller/ctl'],
    );
    assert.deepEqual(list[1]!.hosts, [hosts.localAddress]);
  });

  it('bootstraps three hosts from empty, one line per step per host and a summary', async () => {
    const r = await bootstrap(['bootstrap']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    for (const n of ['n1', 'n2', 'n3']) {
      for (const step of ['connect', 'node.js', 'release', 'certificate', 'service', 'agent']) {
        assert.match(r.stdout, new RegExp(`^${n}\\s+${step.replace('.', '\\.')}\\s+(ok|changed)\\s`, 'm'), `${n} ${step}\n${r.stdout}`);
      }
      assert.match(r.stdout, new RegExp(`^${n}\\s+agent\\s+changed\\s+started, pid \\d+.*supervised background process`, 'm'));
    }
    assert.match(r.stdout, /bootstrap: 3 node\(s\), 3 ready \(3 changed, 0 unchanged\), 0 failed/);
    // the node's files: its certificate (key 0600) and the CA
    const tls = path.join(hosts.installRoot, 'n1', 'tls');
    assert.equal(fs.statSync(path.join(tls, 'node.key')).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(path.join(tls, 'ca.crt'), 'utf8'), fs.readFileSync(path.join(home, 'pki', 'ca.crt'), 'utf8'));
    const list = await json<{ identity: string }[]>(home, ['certs', 'list']);
    assert.deepEqual(list.map((c) => c.identity).sort(), ['CA', 'baton://controller/ctl', 'baton://node/n1', 'baton://node/n2', 'baton://node/n3']);
  });

  it('a re-run changes nothing', async () => {
    const before = ['n1', 'n2', 'n3'].map((n) => pidFile(n, 'agent.pid'));
    const res = await results(['bootstrap']);
    assert.deepEqual(
      res.map((x) => [x.node, x.ok, x.changed, x.agentPid]),
      [
        ['n1', true, false, before[0]],
        ['n2', true, false, before[1]],
        ['n3', true, false, before[2]],
      ],
    );
  });

  it('repairs a dead agent and a missing certificate, and nothing else', async () => {
    // n2: supervisor and agent killed; n3: its certificate removed
    process.kill(pidFile('n2', 'supervisor.pid'), 'SIGKILL');
    process.kill(pidFile('n2', 'agent.pid'), 'SIGKILL');
    fs.rmSync(path.join(hosts.installRoot, 'n3', 'tls', 'node.crt'));
    const n1Pid = pidFile('n1', 'agent.pid');
    const r = await bootstrap(['bootstrap']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const changed = r.stdout.split('\n').filter((l) => /^\S+\s+\S+\s+changed\s/.test(l));
    assert.deepEqual(changed.map((l) => l.split(/\s+/).slice(0, 2).join(' ')).sort(), ['n2 agent', 'n3 agent', 'n3 certificate'], r.stdout);
    assert.match(r.stdout, /^n2\s+agent\s+changed\s+started/m);
    assert.match(r.stdout, /^n3\s+certificate\s+changed\s+installed tls\/node\.crt/m);
    assert.match(r.stdout, /^n3\s+agent\s+changed\s+restarted/m);
    assert.match(r.stdout, /^n1\s+agent\s+unchanged\s+running/m);
    assert.equal(pidFile('n1', 'agent.pid'), n1Pid);
    assert.match(r.stdout, /3 ready \(2 changed, 1 unchanged\), 0 failed/);
  });

  it('an upgrade keeps the current release and the previous one, and removes older ones', async () => {
    const dir = path.join(hosts.installRoot, 'n1');
    const releases = path.join(dir, 'releases');
    const hash = path.basename(fs.readlinkSync(path.join(dir, 'current')));
    // history: an older release (a copy of the real one, so the agent can run from it), one
    // older still, and an unpacking that never finished
    fs.cpSync(path.join(releases, hash), path.join(releases, 'older'), { recursive: true, verbatimSymlinks: true });
    fs.mkdirSync(path.join(releases, 'oldest'));
    fs.writeFileSync(path.join(releases, 'oldest', '.complete'), '');
    fs.mkdirSync(path.join(releases, 'unfinished.tmp'));
    fs.writeFileSync(path.join(releases, 'unfinished.tmp', '.complete'), '');
    fs.symlinkSync('releases/older', path.join(dir, 'current.tmp'));
    fs.renameSync(path.join(dir, 'current.tmp'), path.join(dir, 'current'));

    const r = await bootstrap(['upgrade', 'n1']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^n1\s+prune\s+changed\s+removed old releases oldest$/m, r.stdout);
    assert.equal(fs.readlinkSync(path.join(dir, 'current')), `releases/${hash}`);
    assert.equal(fs.readlinkSync(path.join(dir, 'previous')), 'releases/older', 'the release it ran before, to roll back to');
    assert.deepEqual(fs.readdirSync(releases).sort(), [hash, 'older', 'unfinished.tmp'].sort());

    // nothing more to remove: the previous release stays
    const again = await bootstrap(['bootstrap', 'n1']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /^n1\s+prune\s+unchanged\s+no old release to remove$/m);
    assert.ok(fs.existsSync(path.join(releases, 'older')));
    fs.rmSync(path.join(releases, 'unfinished.tmp'), { recursive: true });
  });

  it('each failure gives its own error', async () => {
    const dir = hosts.dir;
    // a known_hosts that lists host-2's key under host-1's name: a changed host key
    const wrongKnown = path.join(dir, 'known_hosts.wrong');
    const h1 = hosts.hosts[0]!;
    const h2 = hosts.hosts[1]!;
    fs.writeFileSync(
      wrongKnown,
      `${h1.sshPort === 22 ? h1.address : `[${h1.address}]:${h1.sshPort}`} ${h2.hostKeyType} ${h2.hostKeyBlob.toString('base64')}\n`,
    );
    const emptyKnown = path.join(dir, 'known_hosts.empty');
    fs.writeFileSync(emptyKnown, '');
    // a tiny tmpfs on one install folder: the release does not fit
    hosts.mountTmpfs(hosts.hosts[2]!, path.join(hosts.installRoot, 'full'), '256k');
    const failures = path.join(home, 'failures.yaml');
    const base = (name: string, i: number, extra: Record<string, unknown> = {}) => node(name, i, extra);
    // the first four are on host-1, each with an agent port of its own (the inventory refuses two
    // nodes at one address); they fail before their port matters
    writeInventory(failures, [
      base('mismatch', 0, { agentPort: h1.agentPort + 10, ssh: { user: LOGIN, port: h1.sshPort, key: hosts.clientKey, knownHosts: wrongKnown } }),
      base('unknown', 0, { agentPort: h1.agentPort + 11, ssh: { user: LOGIN, port: h1.sshPort, key: hosts.clientKey, knownHosts: emptyKnown } }),
      base('wrongkey', 0, { agentPort: h1.agentPort + 12, ssh: { user: LOGIN, port: h1.sshPort, key: hosts.strangerKey, knownHosts: hosts.knownHosts } }),
      base('unreachable', 0, { agentPort: h1.agentPort + 13, ssh: { user: LOGIN, port: 1, key: hosts.clientKey, knownHosts: hosts.knownHosts } }),
      base('nonode', 3),
      base('oldnode', 4),
      // the agent port is the port sshd listens on
      base('busy', 1, { agentPort: h2.sshPort }),
      base('full', 2, { agentPort: hosts.hosts[2]!.agentPort + 1 }),
    ]);
    // PATH of host-4 and host-5's sessions: set in their sshd configs (startSshHosts paths)
    const res = await results(['bootstrap'], failures);
    assert.ok(Array.isArray(res), `bootstrap answered ${JSON.stringify(res)}`);
    const reason = Object.fromEntries(res.map((x) => [x.node, `${x.error?.code}/${x.error?.data?.reason}`]));
    assert.deepEqual(reason, {
      mismatch: 'UNAUTHENTICATED/host-key-mismatch',
      unknown: 'UNAUTHENTICATED/host-key-unknown',
      wrongkey: 'UNAUTHENTICATED/auth-refused',
      unreachable: 'UNAVAILABLE/unreachable',
      nonode: 'UNAVAILABLE/node-missing',
      oldnode: 'UNAVAILABLE/node-too-old',
      busy: 'UNAVAILABLE/port-in-use',
      full: 'UNAVAILABLE/disk-full',
    });
    const msg = Object.fromEntries(res.map((x) => [x.node, x.error?.message ?? '']));
    assert.match(msg.mismatch!, /host key does not match/);
    assert.match(msg.nonode!, /no Node\.js on the login PATH/);
    assert.match(msg.oldnode!, /v18\.20\.0 .* too old: the agent needs >= 20\.19\.0/);
    assert.match(msg.busy!, new RegExp(`agent port ${h2.sshPort} is in use`));
    assert.match(msg.full!, /disk full: the release needs \d+ MiB/);
    // nothing was started for any of them
    for (const n of ['mismatch', 'nonode', 'busy', 'full']) assert.equal(fs.existsSync(path.join(hosts.installRoot, n, 'agent.pid')), false, n);
    // and the CLI's exit code says a node failed
    const plain = await bootstrap(['bootstrap', 'wrongkey'], failures);
    assert.equal(plain.code, 1);
    assert.match(plain.stdout, /^wrongkey\s+connect\s+failed\s+node wrongkey .*authentication refused/m);
  });

  it('runs a daq-chain across the bootstrapped agents over mutual TLS, and an upgrade keeps its tasks', async () => {
    const ctlPort = hosts.mode === 'netns' ? 7800 : 0;
    const pki = path.join(home, 'pki');
    const tlsFlags = [
      '--tls-cert',
      path.join(pki, 'controller', 'ctl.crt'),
      '--tls-key',
      path.join(pki, 'controller', 'ctl.key'),
      '--tls-ca',
      path.join(pki, 'ca.crt'),
    ];
    const agents = hosts.hosts.slice(0, 3).flatMap((h) => ['--agent', `${h.address}:${h.agentPort}`]);
    controller = spawn(process.execPath, [BATON, '--token', TOKEN, ...tlsFlags, 'controller', '--listen', `${hosts.localAddress}:${ctlPort}`, ...agents], {
      env: cleanEnv(path.join(home, 'ctl-home')),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      controller!.stdout!.on('data', (d) => {
        out += d;
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      controller!.once('exit', (c) => reject(new Error(`controller exited ${c}: ${out}`)));
    });
    // the CLI dials the controller over TCP with mutual TLS (the controller's certificate as its
    // client certificate: it names no user, so the token says who calls)
    const env = {
      BATON_CONTROLLER: address,
      BATON_TOKEN: TOKEN,
      BATON_TLS_CERT: path.join(pki, 'controller', 'ctl.crt'),
      BATON_TLS_KEY: path.join(pki, 'controller', 'ctl.key'),
      BATON_TLS_CA: path.join(pki, 'ca.crt'),
    };
    const cli = (args: string[]) => json(home, args, { env, timeoutMs: 120_000 });
    const up = await pollUntil(
      () => cli(['node', 'list']) as Promise<{ name: string; up: boolean }[]>,
      (ns) => ns.filter((n) => n.up).length === 3,
      30_000,
    );
    assert.deepEqual(up.value.map((n) => `${n.name}:${n.up}`).sort(), ['n1:true', 'n2:true', 'n3:true']);
    const created = (await cli(['env', 'create', 'daq-chain', '--var', 'readouts=2', '--var', 'rate=50'])) as EnvDoc;
    const control = async (transition: string, want: string) => {
      const r = await baton(home, ['env', 'control', created.id, transition, '--timeout', '60s'], { env, timeoutMs: 120_000 });
      assert.equal(r.code, 0, `${transition}: ${r.stdout}\n${r.stderr}`);
      const e = (await cli(['env', 'show', created.id])) as EnvDoc;
      assert.equal(e.state, want, transition);
      return e;
    };
    await control('DEPLOY', 'DEPLOYED');
    await control('CONFIGURE', 'CONFIGURED');
    const running = await control('START_ACTIVITY', 'RUNNING');
    const nodesUsed = new Set(running.tasks.map((t) => t.node));
    assert.ok(nodesUsed.size >= 2, `tasks on several nodes: ${[...nodesUsed].join(', ')}`);
    const taskPids = running.tasks.map((t) => t.pid!);
    assert.ok(taskPids.every(alive));
    const agentPids = ['n1', 'n2', 'n3'].map((n) => pidFile(n, 'agent.pid'));

    // upgrade: every agent replaced, the task processes untouched and adopted
    const up2 = await results(['upgrade']);
    assert.ok(
      up2.every((x) => x.ok),
      JSON.stringify(up2),
    );
    up2.forEach((x, i) => assert.notEqual(x.agentPid, agentPids[i], `${x.node}: a new agent process`));
    assert.ok(taskPids.every(alive), 'the tasks survived the upgrade');
    const adopted = await pollUntil(
      () => cli(['env', 'show', created.id]) as Promise<EnvDoc>,
      (e) => e.state === 'RUNNING' && e.tasks.every((t) => t.state === 'RUNNING' && !t.lost),
      60_000,
    );
    assert.ok(adopted.met, JSON.stringify(adopted.value.tasks));
    assert.deepEqual(
      adopted.value.tasks.map((t) => t.pid),
      taskPids,
    );
    // the new agents are dialled again: a node still SUSPECT would refuse the next transition
    const back = await pollUntil(
      () => cli(['node', 'list']) as Promise<{ name: string; up: boolean; suspect: boolean }[]>,
      (ns) => ns.length === 3 && ns.every((n) => n.up && !n.suspect),
      30_000,
    );
    assert.ok(back.met, JSON.stringify(back.value));
    await control('STOP_ACTIVITY', 'CONFIGURED');
    await control('RESET', 'DEPLOYED');
    await control('EXIT', 'DONE');
    const done = await pollUntil(
      async () => taskPids.filter(alive),
      (left) => left.length === 0,
      30_000,
    );
    assert.deepEqual(done.value, [], 'EXIT ended every task');
  });
});
