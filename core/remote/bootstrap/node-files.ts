// What `baton node bootstrap` puts on a node, in its install folder D (default
// ~/.baton-node/<name>; docs/remote-nodes.md, "What runs on a node"):
//   D/releases/<hash>/   the agent release (release.ts), D/current -> releases/<hash>
//   D/tls/               node.crt, node.key (0600), ca.crt
//   D/home/              the agent's BATON_HOME (task logs, tasks.json, task.sock)
//   D/agent.sh           the agent's command line (exec node .../bin/baton.js ... agent ...)
//   D/supervise.sh       where systemd does not run: keeps agent.sh running (pid files, agent.log)
//   ~/.config/systemd/user/baton-agent-<name>.service   where it does
// This file writes those texts; host.ts decides what to change.
import { isIP } from 'node:net';
import type { InventoryNode } from '../../model/inventory.js';

/** A word for sh, single-quoted. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function unitName(node: InventoryNode): string {
  return `baton-agent-${node.name}`;
}

/** The address the agent listens on: the node's IP, or every address when it is a DNS name. */
export function listenHost(node: InventoryNode): string {
  return isIP(node.host) ? node.host : '0.0.0.0';
}

/** D/agent.sh: the agent's command line, read at each (re)start, so a change applies at the next one. */
export function agentScript(node: InventoryNode, dir: string, nodeBinary: string): string {
  const labels = Object.entries(node.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const args = [
    nodeBinary,
    `${dir}/current/bin/baton.js`,
    '--home',
    `${dir}/home`,
    '--tls-cert',
    `${dir}/tls/node.crt`,
    '--tls-key',
    `${dir}/tls/node.key`,
    '--tls-ca',
    `${dir}/tls/ca.crt`,
    'agent',
    '--name',
    node.name,
    '--listen',
    `${listenHost(node)}:${node.agentPort}`,
    '--host',
    node.host,
    '--ports',
    `${node.ports.from}-${node.ports.to}`,
    ...(labels ? ['--labels', labels] : []),
  ];
  return `#!/bin/sh\n# The Baton agent of node ${node.name} (written by baton node bootstrap; rewritten by it)\nexec ${args.map(shq).join(' ')}\n`;
}

/** D/supervise.sh: restarts the agent when it exits (an upgrade is a SIGTERM to the agent: the
 *  next start runs the new release and adopts the tasks); SIGTERM to the supervisor stops both,
 *  and the tasks keep running. */
export function superviseScript(): string {
  return `#!/bin/sh
# Keeps the Baton agent of this folder running (written by baton node bootstrap).
cd "$(dirname "$0")" || exit 1
echo $$ > supervisor.pid
child=
stopping=
trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; rm -f supervisor.pid agent.pid; exit 0' TERM INT
while [ -z "$stopping" ]; do
  sh ./agent.sh >> agent.log 2>&1 &
  child=$!
  echo "$child" > agent.pid
  wait "$child"
  code=$?
  [ -n "$stopping" ] && break
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) supervisor: the agent exited ($code): starting it again in 1 s" >> agent.log
  sleep 1
done
`;
}

/** The systemd user unit. KillMode=process: a restart or stop ends the agent only; its tasks run on
 *  and the next agent adopts them. */
export function systemdUnit(node: InventoryNode, dir: string): string {
  return `[Unit]
Description=Baton agent of node ${node.name}
After=network-online.target

[Service]
ExecStart=/bin/sh ${dir}/agent.sh
Restart=always
RestartSec=1
KillMode=process
StandardOutput=append:${dir}/agent.log
StandardError=append:${dir}/agent.log

[Install]
WantedBy=default.target
`;
}

/**
 * A shell function `alive PID`: signalable and not a zombie. A killed process whose parent died
 * waits for init to reap it, and `kill -0` still succeeds on it meanwhile.
 */
export const ALIVE_SH = `alive() { kill -0 "$1" 2>/dev/null || return 1; case "$(cat /proc/$1/stat 2>/dev/null)" in *") Z "*) return 1 ;; esac; return 0; }`;

/** The probe: one command that reports, as key=value lines, all that bootstrap decides on. */
export function probeScript(node: InventoryNode, dirExpr: string, releaseHash: string): string {
  const unit = unitName(node);
  return `D=${dirExpr}
mkdir -p "$D" && chmod 700 "$D" || exit 9
echo "dir=$D"
echo "home=$HOME"
n=$(command -v node 2>/dev/null)
echo "node=$n"
[ -n "$n" ] && echo "nodeVersion=$("$n" -v 2>/dev/null)"
systemctl --user show-environment >/dev/null 2>&1 && echo "systemd=yes"
echo "freeKb=$(df -Pk "$D" | awk 'NR==2{print $4}')"
[ -f "$D/releases/${releaseHash}/.complete" ] && echo "release=yes"
echo "current=$(readlink "$D/current" 2>/dev/null)"
for f in tls/node.crt tls/node.key tls/ca.crt agent.sh supervise.sh; do echo "sha:$f=$(sha256sum "$D/$f" 2>/dev/null | cut -c1-64)"; done
echo "sha:unit=$(sha256sum "$HOME/.config/systemd/user/${unit}.service" 2>/dev/null | cut -c1-64)"
${ALIVE_SH}
sp=$(cat "$D/supervisor.pid" 2>/dev/null); [ -n "$sp" ] && alive "$sp" && echo "supervisor=$sp"
ap=$(cat "$D/agent.pid" 2>/dev/null); [ -n "$ap" ] && alive "$ap" && echo "agentPid=$ap"
if systemctl --user is-active --quiet ${unit} 2>/dev/null; then echo "unitPid=$(systemctl --user show -p MainPID --value ${unit})"; fi
echo "logBytes=$(stat -c %s "$D/agent.log" 2>/dev/null || echo 0)"
`;
}

/** Waits until the agent's log says it listens (after byte `offset`), up to `seconds`; prints
 *  `pid=<agent pid>` or the log's last lines. */
export function waitListeningScript(dir: string, offset: number, seconds: number, pidCommand: string): string {
  return `D=${shq(dir)}
i=0
while [ $i -lt ${seconds * 10} ]; do
  if tail -c +${offset + 1} "$D/agent.log" 2>/dev/null | grep -q "listening on"; then echo "pid=$(${pidCommand})"; exit 0; fi
  sleep 0.1
  i=$((i+1))
done
echo "--- last lines of $D/agent.log:"
tail -n 15 "$D/agent.log" 2>/dev/null
exit 1
`;
}

/** Checks that the agent's port is free (node's own bind, as the agent will do it). */
export function portCheckScript(nodeBinary: string, node: InventoryNode): string {
  const js = `const s=require('net').createServer();s.once('error',e=>{console.log(e.code);process.exit(3)});s.listen(${node.agentPort},${JSON.stringify(listenHost(node))},()=>s.close(()=>process.exit(0)))`;
  return `${shq(nodeBinary)} -e ${shq(js)}`;
}
