// A stand-in for `systemctl --user` on the ssh test hosts (test/support/ssh-hosts.ts, spec
// `systemctl: 'fake'`). No user systemd runs on this machine: the container's PID 1 is not
// systemd and `systemd --user` exits at once (no bus, no cgroup delegation), so bootstrap's
// systemd path cannot be run against the real thing here. The stand-in records every call (one
// line per call in <state>/calls.log) and does what bootstrap relies on, in the way systemd does
// it: `start` runs the unit's ExecStart in the background with its output appended to the
// unit's StandardOutput file, `restart` ends only the main process (the unit's KillMode=process:
// tasks run on), `is-active`, `show -p MainPID --value`, `enable`, `daemon-reload`.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes <dir>/bin/systemctl; its state (calls.log, <unit>.pid) is kept in <dir>. */
export function writeFakeSystemctl(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const state = dir;
  const script = `#!/bin/sh
# fake systemctl --user (test/support/fake-systemctl.ts): a stand-in, see there why
S='${state}'
echo "$*" >> "$S/calls.log"
[ "$1" = "--user" ] || { echo "fake systemctl: only --user" >&2; exit 1; }
shift
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && case "$(cat /proc/$1/stat 2>/dev/null)" in *") Z "*) return 1 ;; esac; }
unitfile() { echo "$HOME/.config/systemd/user/$1.service"; }
startunit() {
  f=$(unitfile "$1"); [ -f "$f" ] || { echo "Unit $1.service not found." >&2; exit 5; }
  cmd=$(sed -n 's/^ExecStart=//p' "$f")
  out=$(sed -n 's/^StandardOutput=append://p' "$f")
  setsid sh -c "exec $cmd" </dev/null >>"\${out:-/dev/null}" 2>&1 &
  echo $! > "$S/$1.pid"
}
stopunit() {
  p=$(cat "$S/$1.pid" 2>/dev/null)
  if alive "$p"; then kill -TERM "$p"; while alive "$p"; do sleep 0.1; done; fi
  rm -f "$S/$1.pid"
}
case "$1" in
  show-environment) echo "HOME=$HOME" ;;
  daemon-reload) ;;
  enable) touch "$S/$2.enabled" ;;
  start) alive "$(cat "$S/$2.pid" 2>/dev/null)" || startunit "$2" ;;
  stop) stopunit "$2" ;;
  restart) stopunit "$2"; startunit "$2" ;;
  is-active) [ "$2" = "--quiet" ] && shift; alive "$(cat "$S/$2.pid" 2>/dev/null)" ;;
  show) p=$(cat "$S/$5.pid" 2>/dev/null); alive "$p" && echo "$p" || echo 0 ;;
  *) echo "fake systemctl: $1 is not emulated" >&2; exit 1 ;;
esac
`;
  fs.writeFileSync(path.join(bin, 'systemctl'), script, { mode: 0o755 });
  return bin;
}
