// Real ssh test hosts for `baton node bootstrap`: one real sshd (/usr/sbin/sshd -D -f <own
// config>) per host, with its own host key, an authorized_keys holding a test client key, in a
// temp dir. Each host runs in its own network namespace with its own address (a veth pair whose
// root side is on a bridge with the root namespace's address 10.x.y.1/24), so the agents it starts
// listen there and the controller dials them over a real network path; when namespaces cannot be
// made (not root, no iproute2), the hosts listen on loopback addresses with ports of their own.
// `mode` says which (and the tests print it). The hosts share this machine's filesystem and its
// user (root): each gets its own install folder (<installRoot>/<name>). Everything started (sshd,
// and whatever ran in a namespace: agents, tasks) is killed and the namespaces and the bridge
// deleted in stop(), which the caller registers with t.after so it runs when a test fails too.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './free-port.js';
import { writeFakeSystemctl } from './fake-systemctl.js';

export interface SshHostSpec {
  /** Node.js on the PATH of the host's ssh sessions: the machine's (default), none ('missing': a
   *  PATH of every program of /usr/bin but node), or one that says it is v18.20.0 ('old') */
  node?: 'present' | 'missing' | 'old';
  /** 'fake': `systemctl --user` works, as a stand-in that records its calls
   *  (test/support/fake-systemctl.ts says why no real one), and the sessions' HOME is the host's
   *  own folder (<host dir>/home), so the unit file is written there */
  systemctl?: 'fake';
}

export interface SshHost {
  name: string;
  address: string;
  sshPort: number;
  /** a port free on this host for its agent */
  agentPort: number;
  /** the host key (ssh wire blob) and its type */
  hostKeyType: string;
  hostKeyBlob: Buffer;
  /** the network namespace the host runs in (netns mode) */
  netns?: string;
  sshd: ChildProcess;
}

export interface SshHosts {
  mode: 'netns' | 'loopback';
  hosts: SshHost[];
  /** the address this side (the controller) has on the hosts' network */
  localAddress: string;
  dir: string;
  /** the private key authorized on every host */
  clientKey: string;
  /** a key no host authorizes */
  strangerKey: string;
  /** known_hosts listing every host's key */
  knownHosts: string;
  /** where each host's install folder goes (<installRoot>/<name>): shared filesystem */
  installRoot: string;
  /** mounts a tmpfs of `size` on `dir` as `host` sees it (in its mount namespace: `ip netns exec`
   *  gives each namespaced host its own) */
  mountTmpfs(host: SshHost, dir: string, size: string): void;
  stop(): Promise<void>;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

function keygen(file: string): void {
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'baton-test', '-f', file]);
}

function pubBlob(pubFile: string): { type: string; blob: Buffer } {
  const [type, b64] = fs.readFileSync(pubFile, 'utf8').trim().split(/\s+/);
  return { type: type!, blob: Buffer.from(b64!, 'base64') };
}

function canUseNetns(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    run('ip', ['-V']);
    return fs.existsSync('/usr/sbin/sshd');
  } catch {
    return false;
  }
}

function waitTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, host);
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() - t0 > timeoutMs) reject(new Error(`sshd at ${host}:${port} did not come up in ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts `specs.length` ssh hosts named host-1..N. */
/** sshd lines for a host with the fake systemctl first on its PATH and a HOME of its own. */
function fakeSystemdConfig(hostDir: string): string[] {
  const bin = writeFakeSystemctl(path.join(hostDir, 'systemd'));
  const home = path.join(hostDir, 'home');
  fs.mkdirSync(home, { mode: 0o700 });
  return [`SetEnv PATH=${bin}:${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin HOME=${home}`];
}

export async function startSshHosts(specs: SshHostSpec[]): Promise<SshHosts> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-ssh-'));
  fs.chmodSync(dir, 0o755);
  const id = randomBytes(3).toString('hex');
  // interface names are at most 15 characters: bt + 6 hex + a suffix
  const prefix = `bt${id}`;
  const clientKey = path.join(dir, 'client_key');
  const strangerKey = path.join(dir, 'stranger_key');
  keygen(clientKey);
  keygen(strangerKey);
  fs.writeFileSync(path.join(dir, 'authorized_keys'), fs.readFileSync(`${clientKey}.pub`));
  fs.mkdirSync('/run/sshd', { recursive: true });
  const installRoot = path.join(dir, 'install');
  fs.mkdirSync(installRoot);

  const namespaces: string[] = [];
  let bridge = '';
  let mode: SshHosts['mode'] = 'loopback';
  let subnet = '';
  if (canUseNetns()) {
    try {
      subnet = `10.${200 + (parseInt(id.slice(0, 2), 16) % 50)}.${parseInt(id.slice(2, 4), 16)}`;
      bridge = `${prefix}br`;
      run('ip', ['link', 'add', bridge, 'type', 'bridge']);
      run('ip', ['addr', 'add', `${subnet}.1/24`, 'dev', bridge]);
      run('ip', ['link', 'set', bridge, 'up']);
      for (let i = 1; i <= specs.length; i++) {
        const ns = `${prefix}-h${i}`;
        run('ip', ['netns', 'add', ns]);
        namespaces.push(ns);
        run('ip', ['link', 'add', `${prefix}v${i}`, 'type', 'veth', 'peer', 'name', `${prefix}p${i}`]);
        run('ip', ['link', 'set', `${prefix}p${i}`, 'netns', ns]);
        run('ip', ['link', 'set', `${prefix}v${i}`, 'master', bridge, 'up']);
        const inNs = (...args: string[]) => run('ip', ['netns', 'exec', ns, 'ip', ...args]);
        inNs('link', 'set', 'lo', 'up');
        inNs('addr', 'add', `${subnet}.${10 + i}/24`, 'dev', `${prefix}p${i}`);
        inNs('link', 'set', `${prefix}p${i}`, 'up');
        inNs('route', 'add', 'default', 'via', `${subnet}.1`);
      }
      mode = 'netns';
    } catch (e) {
      process.stderr.write(`ssh-hosts: network namespaces cannot be made here (${(e as Error).message.split('\n')[0]}): hosts on loopback\n`);
      cleanupNetwork(namespaces, bridge);
      namespaces.length = 0;
      bridge = '';
    }
  }

  const toolDir = (name: string, node: string | null): string => {
    const d = path.join(dir, name);
    if (fs.existsSync(d)) return d;
    fs.mkdirSync(d);
    for (const e of fs.readdirSync('/usr/bin')) if (e !== 'node' && e !== 'nodejs') fs.symlinkSync(path.join('/usr/bin', e), path.join(d, e));
    if (node) fs.writeFileSync(path.join(d, 'node'), node, { mode: 0o755 });
    return d;
  };
  const hosts: SshHost[] = [];
  const stopAll = async () => {
    for (const h of hosts) if (h.sshd.exitCode === null) h.sshd.kill('SIGKILL');
    // agents, supervisors and tasks started over ssh run in the namespace: kill them all
    for (const ns of namespaces) killNamespace(ns);
    killUnder(dir);
    cleanupNetwork(namespaces, bridge);
    try {
      // a test may have mounted a tmpfs on an install folder
      for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
        const m = line.split(' ')[1];
        if (m?.startsWith(dir)) run('umount', ['-l', m]);
      }
    } catch {
      /* nothing mounted */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 1; i <= specs.length; i++) {
      const name = `host-${i}`;
      const hdir = path.join(dir, name);
      fs.mkdirSync(hdir);
      keygen(path.join(hdir, 'host_key'));
      const address = mode === 'netns' ? `${subnet}.${10 + i}` : '127.0.0.1';
      const sshPort = mode === 'netns' ? 22 : await freePort(address);
      const agentPort = mode === 'netns' ? 7700 : await freePort(address);
      const config = [
        `ListenAddress ${address}:${sshPort}`,
        `HostKey ${hdir}/host_key`,
        `PidFile ${hdir}/sshd.pid`,
        `AuthorizedKeysFile ${dir}/authorized_keys`,
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'Subsystem sftp internal-sftp',
        'LogLevel VERBOSE',
        ...(specs[i - 1]!.node === 'missing' ? [`SetEnv PATH=${toolDir('path-without-node', null)}`] : []),
        ...(specs[i - 1]!.node === 'old' ? [`SetEnv PATH=${toolDir('path-with-old-node', '#!/bin/sh\necho v18.20.0\n')}`] : []),
        ...(specs[i - 1]!.systemctl === 'fake' ? fakeSystemdConfig(hdir) : []),
      ];
      fs.writeFileSync(path.join(hdir, 'sshd_config'), config.join('\n') + '\n');
      const sshdArgs = ['-D', '-f', path.join(hdir, 'sshd_config'), '-E', path.join(hdir, 'sshd.log')];
      const netns = mode === 'netns' ? namespaces[i - 1] : undefined;
      const sshd = netns
        ? spawn('ip', ['netns', 'exec', netns, '/usr/sbin/sshd', ...sshdArgs], { stdio: 'ignore' })
        : spawn('/usr/sbin/sshd', sshdArgs, { stdio: 'ignore' });
      const key = pubBlob(path.join(hdir, 'host_key.pub'));
      hosts.push({ name, address, sshPort, agentPort, hostKeyType: key.type, hostKeyBlob: key.blob, netns, sshd });
    }
    await Promise.all(hosts.map((h) => waitTcp(h.address, h.sshPort, 10_000)));
  } catch (e) {
    await stopAll();
    throw e;
  }
  const knownHosts = path.join(dir, 'known_hosts');
  fs.writeFileSync(
    knownHosts,
    hosts.map((h) => `${h.sshPort === 22 ? h.address : `[${h.address}]:${h.sshPort}`} ${h.hostKeyType} ${h.hostKeyBlob.toString('base64')}\n`).join(''),
  );

  return {
    mode,
    hosts,
    localAddress: mode === 'netns' ? `${subnet}.1` : '127.0.0.1',
    dir,
    clientKey,
    strangerKey,
    knownHosts,
    installRoot,
    mountTmpfs(host, target, size) {
      fs.mkdirSync(target, { recursive: true });
      const mount = ['mount', '-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', target];
      if (host.netns) run('nsenter', ['-t', String(host.sshd.pid), '-m', ...mount]);
      else run(mount[0]!, mount.slice(1));
    },
    stop: stopAll,
  };
}

function killNamespace(ns: string): void {
  try {
    for (const pid of run('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  } catch {
    /* no such namespace */
  }
}

/** Kills every process whose command line or stdout mentions `dir` (loopback mode: what the
 *  hosts started runs in this namespace). */
function killUnder(dir: string): void {
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n) || Number(n) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, 'utf8');
      let out = '';
      try {
        out = fs.readlinkSync(`/proc/${n}/fd/1`);
      } catch {
        /* not ours */
      }
      if (cmd.includes(dir) || out.startsWith(dir)) process.kill(Number(n), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

function cleanupNetwork(namespaces: string[], bridge: string): void {
  for (const ns of namespaces) {
    try {
      run('ip', ['netns', 'del', ns]);
    } catch {
      /* already gone */
    }
  }
  if (bridge) {
    try {
      run('ip', ['link', 'del', bridge]);
    } catch {
      /* already gone */
    }
  }
}
