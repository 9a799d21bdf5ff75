// Bootstrapping (or upgrading) one node over ssh: probe what is there, then change only what is
// missing or different, one progress line per step. A re-run on a node that is as it should be
// changes nothing (every step says `unchanged`); one whose agent died or whose certificate went
// missing gets just that repaired. docs/remote-nodes.md.
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { BatonError } from '../../model/errors.js';
import type { InventoryNode } from '../../model/inventory.js';
import { issue, usableIssued } from '../certs/pki.js';
import type { Release } from './release.js';
import { connectSsh, type SshSession } from './ssh.js';
import { pruneReleasesScript, rememberPreviousCommand } from './prune.js';
import { ALIVE_SH, agentScript, portCheckScript, probeScript, shq, superviseScript, systemdUnit, unitName, waitListeningScript } from './node-files.js';

export type StepStatus = 'ok' | 'unchanged' | 'changed' | 'failed';
export interface StepReport {
  node: string;
  step: string;
  status: StepStatus;
  detail: string;
}
export type Progress = (report: StepReport) => void;
export type ServiceChoice = 'auto' | 'systemd' | 'process';

export interface HostJob {
  node: InventoryNode;
  /** the controller side's BATON_HOME (its pki/ issues the node's certificate) */
  home: string;
  release: Release;
  /** the folder of install folders on the node; `~/` is the login user's home */
  installRoot: string;
  service: ServiceChoice;
  /** upgrade: switch to this release and restart the agent (its tasks are adopted) */
  upgrade: boolean;
}

export interface HostResult {
  node: string;
  ok: boolean;
  changed: boolean;
  service?: 'systemd' | 'process';
  agentPid?: number;
  installDir?: string;
  error?: BatonError;
}

export const MIN_NODE_VERSION = [20, 19, 0] as const;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hostError(node: InventoryNode, reason: string, message: string, code: 'UNAVAILABLE' | 'BAD_INPUT' = 'UNAVAILABLE', data: Record<string, string> = {}) {
  return new BatonError(code, `node ${node.name} (${node.host}): ${message}`, { node: node.name, where: reason, data: { reason, host: node.host, ...data } });
}

function parseProbe(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

function versionOk(v: string): boolean {
  const parts = /^v?(\d+)\.(\d+)\.(\d+)/.exec(v.trim());
  if (!parts) return false;
  const [a, b, c] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const [x, y, z] = MIN_NODE_VERSION;
  return a !== x ? a > x : b !== y ? b > y : c >= z;
}

function diskFull(node: InventoryNode, dir: string, text: string): BatonError {
  return hostError(node, 'disk-full', `disk full in ${dir}: ${text.trim().split('\n').slice(-2).join(' ')}`);
}

async function run(ssh: SshSession, node: InventoryNode, what: string, script: string, input?: string): Promise<string> {
  const r = await ssh.exec(script, input);
  if (r.code !== 0) {
    const text = `${r.stdout}${r.stderr}`;
    if (/No space left on device/i.test(text)) throw diskFull(node, what, text);
    throw hostError(node, 'remote-command', `${what} failed (exit ${r.code}): ${text.trim().slice(-500)}`);
  }
  return r.stdout;
}

/** Writes `content` to `file` on the node (through a temp file and a rename; `mode` octal). */
async function writeRemote(ssh: SshSession, node: InventoryNode, file: string, content: string, mode: string): Promise<void> {
  const f = shq(file);
  await run(ssh, node, `writing ${file}`, `umask 077; mkdir -p "$(dirname ${f})" && cat > ${f}.tmp && chmod ${mode} ${f}.tmp && mv -f ${f}.tmp ${f}`, content);
}

/** Bootstraps or upgrades one node; never throws (a failed step ends it with `error`). */
export async function bootstrapHost(job: HostJob, progress: Progress): Promise<HostResult> {
  const { node } = job;
  const result: HostResult = { node: node.name, ok: false, changed: false };
  let step = 'connect';
  const report = (status: StepStatus, detail: string) => {
    if (status === 'changed') result.changed = true;
    progress({ node: node.name, step, status, detail });
  };
  let ssh: SshSession | null = null;
  try {
    ssh = await connectSsh(node);
    report('ok', `${node.ssh.user}@${node.host}:${node.ssh.port}, host key known`);

    step = 'probe';
    const root = job.installRoot.replace(/\/+$/, '');
    const dirExpr = root.startsWith('~/') ? `"$HOME"/${shq(`${root.slice(2)}/${node.name}`)}` : shq(`${root}/${node.name}`);
    const probe = await ssh.exec(probeScript(node, dirExpr, job.release.hash));
    const facts = parseProbe(probe.stdout);
    const dir = facts.get('dir') ?? '';
    if (probe.code !== 0 || !dir) throw hostError(node, 'remote-command', `cannot make the install folder: ${(probe.stderr || probe.stdout).trim()}`);
    result.installDir = dir;

    step = 'node.js';
    const nodeBinary = facts.get('node') ?? '';
    const version = facts.get('nodeVersion') ?? '';
    if (!nodeBinary)
      throw hostError(node, 'node-missing', `no Node.js on the login PATH of ${node.ssh.user} (baton's agent needs node >= ${MIN_NODE_VERSION.join('.')})`);
    if (!versionOk(version)) {
      throw hostError(
        node,
        'node-too-old',
        `Node.js ${version || '(no version)'} at ${nodeBinary} is too old: the agent needs >= ${MIN_NODE_VERSION.join('.')}`,
        'UNAVAILABLE',
        { version },
      );
    }
    report('ok', `${version} at ${nodeBinary}`);

    const serviceKind = job.service === 'auto' ? (facts.get('systemd') ? 'systemd' : 'process') : job.service;
    if (serviceKind === 'systemd' && !facts.get('systemd')) {
      throw hostError(node, 'no-systemd', `--service systemd: \`systemctl --user\` does not work for ${node.ssh.user} on this node`, 'BAD_INPUT');
    }
    result.service = serviceKind;
    const unitPid = Number(facts.get('unitPid') ?? 0);
    const running = serviceKind === 'systemd' ? unitPid > 0 : !!facts.get('supervisor');
    const runningPid = serviceKind === 'systemd' ? unitPid : Number(facts.get('agentPid') ?? 0);
    let restart = job.upgrade && running;

    step = 'release';
    const rel = job.release;
    const releaseRel = `releases/${rel.hash}`;
    if (facts.get('release')) report('unchanged', `${rel.hash} present`);
    else {
      const neededKb = Math.ceil(((rel.tarballBytes + rel.unpackedBytes) * 1.1) / 1024);
      const freeKb = Number(facts.get('freeKb') ?? 0);
      if (freeKb < neededKb) {
        throw hostError(
          node,
          'disk-full',
          `disk full: the release needs ${Math.ceil(neededKb / 1024)} MiB in ${dir}, ${Math.floor(freeKb / 1024)} MiB free`,
          'UNAVAILABLE',
          {
            neededKb: String(neededKb),
            freeKb: String(freeKb),
          },
        );
      }
      await run(ssh, node, 'making releases/', `mkdir -p ${shq(`${dir}/releases`)}`);
      const part = `${dir}/releases/${rel.hash}.tar.gz.part`;
      try {
        await ssh.upload(rel.tarball, part);
      } catch (e) {
        await ssh.exec(`rm -f ${shq(part)}`);
        throw hostError(node, 'upload', `sending the release to ${part}: ${(e as Error).message} (disk full?)`);
      }
      const h = shq(rel.hash);
      await run(
        ssh,
        node,
        `unpacking the release in ${dir}/releases`,
        `cd ${shq(`${dir}/releases`)} && rm -rf ${h}.tmp && mkdir ${h}.tmp && { tar -xzf ${h}.tar.gz.part -C ${h}.tmp && touch ${h}.tmp/.complete && rm -rf ${h} && mv ${h}.tmp ${h} && rm -f ${h}.tar.gz.part; } || { rc=$?; rm -rf ${h}.tmp ${h}.tar.gz.part; exit $rc; }`,
      );
      report('changed', `sent ${rel.hash} (${(rel.tarballBytes / 1048576).toFixed(1)} MiB, ${rel.files} files) over sftp`);
    }
    const current = facts.get('current') ?? '';
    if (current !== releaseRel) {
      if (running && !job.upgrade) {
        progress({
          node: node.name,
          step,
          status: 'ok',
          detail: `the agent runs ${current || '(unknown)'}: \`baton node upgrade ${node.name}\` switches it to ${rel.hash}`,
        });
      } else {
        await run(ssh, node, 'switching current', `${rememberPreviousCommand(dir)} && ln -sfn ${shq(releaseRel)} current.tmp && mv -T current.tmp current`);
        report('changed', `current -> ${releaseRel}`);
        restart = running;
      }
    }

    step = 'prune';
    const pruned = [...(await run(ssh, node, 'removing old releases', pruneReleasesScript(dir, rel.hash))).matchAll(/^removed=(\S+)$/gm)].map((m) => m[1]);
    report(pruned.length ? 'changed' : 'unchanged', pruned.length ? `removed old releases ${pruned.join(', ')}` : 'no old release to remove');

    step = 'certificate';
    const hosts = [node.host];
    const issued = usableIssued(job.home, 'node', node.name, hosts) ?? (await issue(job.home, 'node', node.name, hosts));
    const wanted: [string, string, string][] = [
      ['tls/node.crt', fs.readFileSync(issued.cert, 'utf8'), '644'],
      ['tls/node.key', fs.readFileSync(issued.key, 'utf8'), '600'],
      ['tls/ca.crt', fs.readFileSync(issued.ca, 'utf8'), '644'],
    ];
    const stale = wanted.filter(([f, text]) => facts.get(`sha:${f}`) !== sha256(text));
    if (!stale.length) report('unchanged', `baton://node/${node.name} for ${hosts.join(', ')}`);
    else {
      for (const [f, text, mode] of stale) await writeRemote(ssh, node, `${dir}/${f}`, text, mode);
      report('changed', `installed ${stale.map(([f]) => f).join(', ')} (baton://node/${node.name} for ${hosts.join(', ')})`);
      restart ||= running; // the agent read its certificate when it started
    }

    step = 'service';
    const script = agentScript(node, dir, nodeBinary);
    const changedFiles: string[] = [];
    let restartSupervisor = false;
    if (facts.get('sha:agent.sh') !== sha256(script)) {
      await writeRemote(ssh, node, `${dir}/agent.sh`, script, '700');
      changedFiles.push('agent.sh');
      restart ||= running;
    }
    const unit = unitName(node);
    if (serviceKind === 'systemd') {
      const text = systemdUnit(node, dir);
      if (facts.get('sha:unit') !== sha256(text)) {
        await writeRemote(ssh, node, `${facts.get('home')}/.config/systemd/user/${unit}.service`, text, '644');
        await run(ssh, node, 'systemctl --user', `systemctl --user daemon-reload && systemctl --user enable ${unit} >/dev/null 2>&1`);
        changedFiles.push(`${unit}.service`);
      }
    } else if (facts.get('sha:supervise.sh') !== sha256(superviseScript())) {
      await writeRemote(ssh, node, `${dir}/supervise.sh`, superviseScript(), '700');
      changedFiles.push('supervise.sh');
      restartSupervisor = running;
    }
    const how = serviceKind === 'systemd' ? `systemd user unit ${unit}` : `supervised background process (${dir}/supervise.sh)`;
    report(changedFiles.length ? 'changed' : 'unchanged', `${how}${changedFiles.length ? `: wrote ${changedFiles.join(', ')}` : ''}`);

    step = 'agent';
    const log = `${dir}/agent.log`;
    const offset = Number(facts.get('logBytes') ?? 0);
    const pidCommand = serviceKind === 'systemd' ? `systemctl --user show -p MainPID --value ${unit}` : `cat "$D/agent.pid"`;
    const waitListening = async (what: string) => {
      const r = await ssh!.exec(waitListeningScript(dir, offset, 60, pidCommand));
      const pid = /^pid=(\d+)/m.exec(r.stdout);
      if (r.code !== 0 || !pid) {
        if (serviceKind === 'process') await ssh!.exec(`kill -TERM "$(cat ${shq(`${dir}/supervisor.pid`)})" 2>/dev/null`);
        throw hostError(node, 'agent-start', `the agent did not come up (${what}) within 60 s:\n${r.stdout.trim()}`);
      }
      return Number(pid[1]);
    };
    if (running && !restart && !restartSupervisor) {
      result.agentPid = runningPid;
      report('unchanged', `running, pid ${runningPid || '(restarting)'}, ${how}, log ${log}`);
    } else if (running) {
      if (serviceKind === 'systemd') await run(ssh, node, 'systemctl --user restart', `systemctl --user restart ${unit}`);
      else if (restartSupervisor) {
        await run(
          ssh,
          node,
          'restarting the supervisor',
          // the old supervisor gone (a zombie counts as gone: alive), then a new one
          `${ALIVE_SH}; cd ${shq(dir)} && sp=$(cat supervisor.pid) && kill -TERM "$sp" && while alive "$sp"; do sleep 0.1; done; setsid sh ./supervise.sh </dev/null >/dev/null 2>&1 &`,
        );
      } else await run(ssh, node, 'restarting the agent', `kill -TERM "$(cat ${shq(`${dir}/agent.pid`)})"`);
      result.agentPid = await waitListening('restart');
      report('changed', `restarted: pid ${runningPid || '?'} -> ${result.agentPid} (tasks keep running; the new agent adopts them), ${how}, log ${log}`);
    } else {
      const port = await ssh.exec(portCheckScript(nodeBinary, node));
      if (port.code !== 0) {
        const why = port.stdout.trim() || port.stderr.trim();
        throw hostError(
          node,
          'port-in-use',
          why === 'EADDRINUSE' ? `agent port ${node.agentPort} is in use by another program` : `agent port ${node.agentPort} cannot be bound: ${why}`,
          'UNAVAILABLE',
          { port: String(node.agentPort) },
        );
      }
      if (serviceKind === 'systemd') await run(ssh, node, 'systemctl --user start', `systemctl --user start ${unit}`);
      else await run(ssh, node, 'starting the supervisor', `cd ${shq(dir)} && (setsid sh ./supervise.sh </dev/null >/dev/null 2>&1 &)`);
      result.agentPid = await waitListening('start');
      report('changed', `started, pid ${result.agentPid}, listening on ${node.host}:${node.agentPort} (mutual TLS), ${how}, log ${log}`);
    }
    result.ok = true;
  } catch (e) {
    const err = e instanceof BatonError ? e : hostError(node, step, (e as Error).message);
    result.error = err;
    progress({ node: node.name, step, status: 'failed', detail: err.message });
  } finally {
    ssh?.close();
  }
  return result;
}
