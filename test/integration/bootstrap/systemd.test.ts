// `baton node bootstrap` on a node where `systemctl --user` works: the agent becomes a systemd
// user unit. No user systemd runs on this machine (test/support/fake-systemctl.ts says why), so
// the host's systemctl is a STAND-IN that records its calls and starts the unit's ExecStart the
// way systemd would; what is checked is what bootstrap writes (the unit file) and the command
// sequence it runs, over a real ssh session to a real sshd, with a real agent started by it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { baton, ok, tempHome } from '../cli/harness.js';
import { startSshHosts, type SshHosts } from '../../support/ssh-hosts.js';

describe('baton node bootstrap with systemd (stand-in systemctl)', { timeout: 300_000 }, () => {
  let hosts: SshHosts;
  let home: string;
  let inventory: string;
  let hostDir: string;

  const calls = () =>
    fs
      .readFileSync(path.join(hostDir, 'systemd', 'calls.log'), 'utf8')
      .trim()
      .split('\n')
      .filter((l) => !/show-environment|is-active|show -p MainPID/.test(l)); // the probe's reads
  const bootstrap = (args: string[]) => baton(home, ['node', ...args, '--inventory', inventory, '--install-root', hosts.installRoot], { timeoutMs: 200_000 });
  const mainPid = () => Number(fs.readFileSync(path.join(hostDir, 'systemd', 'baton-agent-s1.pid'), 'utf8'));

  before(async () => {
    hosts = await startSshHosts([{ systemctl: 'fake' }]);
    hostDir = path.join(hosts.dir, 'host-1');
    home = tempHome();
    inventory = path.join(home, 'nodes.yaml');
    const h = hosts.hosts[0]!;
    const node = {
      name: 's1',
      host: h.address,
      agentPort: h.agentPort,
      ssh: { user: os.userInfo().username, port: h.sshPort, key: hosts.clientKey, knownHosts: hosts.knownHosts },
      ports: { from: 31500, to: 31599 },
    };
    fs.writeFileSync(inventory, JSON.stringify({ nodes: [node] }));
    await ok(home, ['certs', 'init']);
  });

  after(async () => {
    await hosts?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('writes the unit, enables and starts it; the agent runs as its main process', async () => {
    const r = await bootstrap(['bootstrap']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^s1\s+service\s+changed\s+systemd user unit baton-agent-s1: wrote agent\.sh, baton-agent-s1\.service/m);
    assert.match(r.stdout, /^s1\s+agent\s+changed\s+started, pid \d+/m);
    const dir = path.join(hosts.installRoot, 's1');
    const unit = fs.readFileSync(path.join(hostDir, 'home', '.config', 'systemd', 'user', 'baton-agent-s1.service'), 'utf8');
    assert.match(unit, new RegExp(`^ExecStart=/bin/sh ${dir}/agent\\.sh$`, 'm'));
    assert.match(unit, /^KillMode=process$/m, 'a restart ends the agent only, never its tasks');
    assert.match(unit, /^Restart=always$/m);
    assert.match(unit, new RegExp(`^StandardOutput=append:${dir}/agent\\.log$`, 'm'));
    assert.match(unit, /^WantedBy=default\.target$/m);
    assert.deepEqual(calls(), ['--user daemon-reload', '--user enable baton-agent-s1', '--user start baton-agent-s1']);
    assert.equal(fs.existsSync(path.join(dir, 'supervise.sh')), false, 'no supervisor where systemd runs');
    process.kill(mainPid(), 0);
  });

  it('a re-run changes nothing; an upgrade restarts the unit, not the unit file', async () => {
    fs.writeFileSync(path.join(hostDir, 'systemd', 'calls.log'), '');
    const pid = mainPid();
    const again = await bootstrap(['bootstrap']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /^s1\s+service\s+unchanged\s+systemd user unit/m);
    assert.match(again.stdout, new RegExp(`^s1\\s+agent\\s+unchanged\\s+running, pid ${pid}`, 'm'));
    assert.deepEqual(calls(), [], 'nothing reloaded, enabled or started');

    const up = await bootstrap(['upgrade']);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.deepEqual(calls(), ['--user restart baton-agent-s1']);
    assert.notEqual(mainPid(), pid, 'a new agent process');
    assert.match(up.stdout, /^s1\s+agent\s+changed\s+restarted/m);
  });
});
