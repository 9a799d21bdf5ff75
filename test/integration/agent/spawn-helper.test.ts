// The agent's spawn helper (core/agent/native/baton-spawn.c): a task it starts is set up exactly as
// one Node starts (own session, stdin /dev/null, output to the log, nothing blocked or ignored, no
// stray descriptors); its faults (the helper killed, a command not found, a log directory removed)
// are handled; and it never outlives its agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readProcStat } from '../../../core/agent/process/proc.js';
import { SPAWN_HELPER, SpawnHelper } from '../../../core/agent/process/spawner.js';
import { pidAlive, setup, sleep, spec, type TestController } from './harness.js';

const built = fs.existsSync(SPAWN_HELPER);
const skip = built ? false : `the spawn helper was not built (no C compiler): ${SPAWN_HELPER}`;

interface ProcFacts {
  ppid: number;
  session: number;
  pgrp: number;
  sigBlk: string;
  sigIgn: string;
  fds: string[];
  stdin: string;
}

function procFacts(pid: number): ProcFacts {
  const st = readProcStat(pid)!;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
  const field = (k: string) => new RegExp(`^${k}:\\s*(\\S+)`, 'm').exec(status)![1]!;
  const fds = fs.readdirSync(`/proc/${pid}/fd`).sort();
  return {
    ppid: st.ppid,
    pgrp: st.pgrp,
    session: st.session,
    sigBlk: field('SigBlk'),
    sigIgn: field('SigIgn'),
    fds,
    stdin: fs.readlinkSync(`/proc/${pid}/fd/0`),
  };
}

/** This process's descriptors above 2 that an exec keeps (flags in /proc/self/fdinfo lack O_CLOEXEC). */
function inheritedOpenOnExec(): string[] {
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    if (Number(fd) <= 2) continue;
    try {
      const flags = parseInt(/^flags:\s*(\d+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'))![1]!, 8);
      if (!(flags & 0o2000000)) out.push(fd);
    } catch {
      /* the directory's own descriptor, closed by now */
    }
  }
  return out;
}

async function launchSleeper(ctl: TestController, id: string) {
  const [u] = await ctl.launch([spec({ taskId: id, control: 'basic', command: '/bin/sh', args: ['-c', 'echo out; echo err >&2; exec sleep 60'] })]);
  assert.equal(u!.kind, 'launched', JSON.stringify(u!.error));
  await sleep(150); // the shell has exec'd sleep
  return u!;
}

function helperPids(): number[] {
  const out: number[] = [];
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      if (fs.readlinkSync(`/proc/${n}/exe`) === SPAWN_HELPER && procFacts(Number(n)).ppid === process.pid) out.push(Number(n));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

for (const helper of [true, false]) {
  test(`a task spawned ${helper ? 'by the spawn helper' : 'by Node (helper off)'} has its own session, /dev/null stdin, its log, nothing blocked or ignored, fds 0-2 only`, {
    skip: helper && skip,
  }, async (t) => {
    const { ctl } = await setup(t, { spawnHelper: helper });
    const u = await launchSleeper(ctl, 'env-test/facts');
    const p = procFacts(u.pid);
    assert.equal(p.session, u.pid, 'session leader');
    assert.equal(p.pgrp, u.pid, 'its own process group');
    assert.equal(p.sigBlk, '0000000000000000', 'no signal blocked');
    assert.equal(p.sigIgn, '0000000000000000', 'no signal ignored');
    // Node's spawn passes on what this process inherited without close-on-exec (a limit of Node,
    // which the helper does not have); nothing the agent itself opened leaks either way
    const expected = helper ? ['0', '1', '2'] : ['0', '1', '2', ...inheritedOpenOnExec()].sort();
    assert.deepEqual(p.fds, expected, 'no descriptor of the agent or the helper leaks');
    assert.equal(p.stdin, '/dev/null');
    assert.equal(fs.readlinkSync(`/proc/${u.pid}/fd/1`), u.logPath);
    assert.deepEqual(fs.readFileSync(u.logPath, 'utf8').split('\n').filter(Boolean).sort(), ['err', 'out']);
    if (helper) assert.notEqual(p.ppid, process.pid, 'the helper is the parent, not the agent');
    else assert.equal(p.ppid, process.pid, 'the agent is the parent');
    process.kill(u.pid, 'SIGTERM');
    const ex = await ctl.exited('env-test/facts');
    assert.equal(ex.exit!.signal, 'SIGTERM');
  });
}

test('through the helper: exit codes, a relative command from the task cwd, the task PATH, not found and not executable', { skip }, async (t) => {
  const { ctl, home } = await setup(t);
  const bin = path.join(home, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'seven'), '#!/bin/sh\nexit 7\n', { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'noexec'), '#!/bin/sh\nexit 0\n', { mode: 0o644 });
  const ups = await ctl.launch([
    spec({ taskId: 'env-test/by-path', control: 'basic', command: 'seven', env: { PATH: bin } }),
    spec({ taskId: 'env-test/relative', control: 'basic', command: './bin/seven', cwd: home }),
    spec({ taskId: 'env-test/missing', control: 'basic', command: 'no-such-program-anywhere' }),
    spec({ taskId: 'env-test/noexec', control: 'basic', command: path.join(bin, 'noexec') }),
  ]);
  const by = (id: string) => ups.find((u) => u.taskId === id)!;
  assert.equal(by('env-test/by-path').kind, 'launched');
  assert.equal(by('env-test/relative').kind, 'launched');
  assert.equal((await ctl.exited('env-test/by-path')).exit!.code, 7);
  assert.equal((await ctl.exited('env-test/relative')).exit!.code, 7);
  const abort = await launchSleeper(ctl, 'env-test/aborted');
  process.kill(abort.pid, 'SIGABRT');
  assert.equal((await ctl.exited('env-test/aborted')).exit!.signal, 'SIGABRT', 'named as Node names it (not SIGIOT)');
  assert.match(by('env-test/missing').error!.message, /no-such-program-anywhere: command not found/);
  assert.equal(by('env-test/missing').error!.data.errno, 'ENOENT');
  assert.match(by('env-test/noexec').error!.message, /permission denied/);
  assert.equal(by('env-test/noexec').error!.data.errno, 'EACCES');
});

test('through the helper: a log directory removed under the agent is made again', { skip }, async (t) => {
  const { ctl, home } = await setup(t);
  fs.rmSync(path.join(home, 'agents', 'n1', 'logs'), { recursive: true, force: true });
  const [u] = await ctl.launch([spec({ taskId: 'env-test/logged', control: 'basic', command: '/bin/echo', args: ['hello'] })]);
  assert.equal(u!.kind, 'launched', JSON.stringify(u!.error));
  await ctl.exited('env-test/logged');
  assert.equal(fs.readFileSync(u!.logPath, 'utf8'), 'hello\n');
});

test("kill -9 of the spawn helper: its task's exit is still reported, and the next task starts with Node", { skip }, async (t) => {
  const { ctl } = await setup(t);
  const a = await launchSleeper(ctl, 'env-test/before');
  const helperPid = procFacts(a.pid).ppid;
  assert.ok(helperPids().includes(helperPid), "the task's parent is this agent's spawn helper");
  process.kill(helperPid, 'SIGKILL');
  await sleep(100);
  process.kill(a.pid, 'SIGKILL');
  // found by polling, as for an adopted task: the crash is reported, its signal is not known
  const ex = await ctl.exited('env-test/before');
  assert.equal(ex.state, 'ERROR');
  const b = await launchSleeper(ctl, 'env-test/after');
  assert.equal(procFacts(b.pid).ppid, process.pid, 'spawned by Node now');
  process.kill(b.pid, 'SIGKILL');
  assert.equal((await ctl.exited('env-test/after')).exit!.signal, 'SIGKILL');
});

test('the spawn helper ends with its agent; the task it started lives on for the next agent', { skip }, async (t) => {
  const { agent, ctl } = await setup(t);
  const a = await launchSleeper(ctl, 'env-test/survivor');
  const helperPid = procFacts(a.pid).ppid;
  await agent.stop({ killTasks: false });
  assert.ok(!helperPids().includes(helperPid) && !fs.existsSync(`/proc/${helperPid}`), 'the helper is gone when stop returns');
  assert.ok(pidAlive(a.pid), 'the task lives on');
  process.kill(a.pid, 'SIGKILL');
});

test('an exit the helper reports before anyone listens is kept, and given on a later turn of the loop', { skip }, async (t) => {
  const lost: number[][] = [];
  const helper = SpawnHelper.start((pids) => lost.push(pids))!;
  t.after(() => helper.stop());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-spawn-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await helper.spawn({ command: '/bin/sh', args: ['-c', 'exit 3'], env: {}, cwd: dir, logPath: path.join(dir, 'x.log') });
  assert.ok(r.ok);
  await sleep(200); // the exit line has been read by now, with no listener
  let inOn = true;
  let calledInOn = false;
  const got = await new Promise<[number | null, string | null]>((resolve) => {
    r.child.on('exit', (code, signal) => {
      calledInOn = inOn;
      resolve([code, signal]);
    });
    inOn = false;
  });
  assert.equal(calledInOn, false, 'not given inside on(): the launcher marks the task launched right after it listens');
  assert.deepEqual(got, [3, null]);
  assert.deepEqual(lost, []);
});

test("the helper reports each task's start time as /proc has it, also for a command named with spaces and parentheses; many spawns in one turn all start", {
  skip,
}, async (t) => {
  const helper = SpawnHelper.start(() => {})!;
  t.after(() => helper.stop());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-spawn-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const odd = path.join(dir, 'a (b) c');
  fs.symlinkSync('/bin/sleep', odd); // /proc/<pid>/stat shows it as "(a (b) c)"
  const rs = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      helper.spawn({ command: i % 2 ? odd : '/bin/sleep', args: ['30'], env: {}, cwd: dir, logPath: path.join(dir, `${i}.log`) }),
    ),
  );
  for (const r of rs) {
    assert.ok(r.ok);
    t.after(() => {
      try {
        process.kill(r.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    });
    const st = readProcStat(r.pid)!;
    assert.ok(r.startTime && r.startTime > 0, 'a start time is reported');
    assert.equal(r.startTime, st.starttime);
  }
  assert.equal(new Set(rs.map((r) => r.ok && r.pid)).size, 20, '20 distinct processes');
});
