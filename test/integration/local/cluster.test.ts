// `baton local up --controllers 3`: a real etcd (Debian's binary) and three real controllers on it,
// real agents and tasks. The status names the leader; kill -9 of the leader hands the lead to a
// follower while the run goes on untouched; `local up` restarts the dead controller as a
// follower; etcd killed and restarted keeps the store; `local down` leaves no process (etcd
// included). Without etcd, a clear error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baton, localStack, procsOf, tempHome, type LocalStack } from '../cli/harness.js';
import type { LocalStatus } from '../../../core/local/status.js';

interface EnvDoc {
  id: string;
  state: string;
  runNumber: number | null;
  tasks: { name: string; state: string; pid: number; lost: boolean; restarts: number }[];
}

/** polls fn until it returns a value, or fails naming what it waited for */
async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let stack: LocalStack;
before(async () => {
  stack = await localStack(['--agents', '2', '--controllers', '3']);
});
after(async () => {
  const d = await stack?.down();
  assert.equal(d?.result.code, 0, d?.result.stderr);
  assert.deepEqual(d?.left, [], 'local down leaves no process of the home, etcd included');
  if (stack) fs.rmSync(stack.home, { recursive: true, force: true });
});

const status = () => stack.json<LocalStatus>(['local', 'status', '--json']);
const roles = (st: LocalStatus) => st.cluster!.controllers.map((c) => c.role).sort();

test('the status names one leader and two followers on etcd', async () => {
  const st = await status();
  assert.equal(st.running, true);
  assert.deepEqual(roles(st), ['follower', 'follower', 'leader']);
  assert.match(st.cluster!.leader!, /^controller-[123]$/);
  assert.equal(st.cluster!.etcd.alive, true);
  assert.match(st.controller!.store ?? '', /^etcd/);
  const text = await stack.ok(['local', 'status']);
  assert.match(text.stdout, new RegExp(`${st.cluster!.leader}\\s+unix://\\S+\\s+pid \\d+\\s+LEADER`));
});

test('kill -9 of the leader: a follower leads, the run goes on, local up brings the dead one back as a follower', async () => {
  const env = await stack.json<{ id: string }>(['env', 'create', 'quick']);
  for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) await stack.ok(['env', 'control', env.id, t], { timeoutMs: 60_000 });
  const before = await stack.json<EnvDoc>(['env', 'show', env.id]);
  assert.equal(before.state, 'RUNNING');

  const first = await status();
  const leader = first.cluster!.controllers.find((c) => c.role === 'leader')!;
  process.kill(leader.pid, 'SIGKILL');

  const second = await waitFor(
    async () => {
      const st = await status().catch(() => null);
      return st?.cluster?.leader && st.cluster.leader !== leader.name ? st : null;
    },
    30_000,
    'another controller leading',
  );
  assert.deepEqual(roles(second), ['dead', 'follower', 'leader']);
  assert.deepEqual(second.dead, [{ what: leader.name, pid: leader.pid }]);
  assert.equal(second.repair, 'baton local up');

  // the successor adopted the tasks: same run, same processes, no restart
  const after = await waitFor(
    async () => {
      const e = await stack.json<EnvDoc>(['env', 'show', env.id]).catch(() => null);
      return e?.tasks.every((t) => t.state === 'RUNNING' && !t.lost) ? e : null;
    },
    30_000,
    'the tasks RUNNING under the new leader',
  );
  assert.equal(after.runNumber, before.runNumber);
  assert.deepEqual(
    after.tasks.map((t) => [t.name, t.pid, t.restarts]),
    before.tasks.map((t) => [t.name, t.pid, t.restarts]),
  );

  const repaired = await stack.json<{ alreadyUp: boolean; restarted: { what: string; oldPid: number; pid: number }[] }>(['local', 'up']);
  assert.equal(repaired.alreadyUp, false);
  assert.deepEqual(
    repaired.restarted.map((r) => [r.what, r.oldPid]),
    [[leader.name, leader.pid]],
  );
  const third = await status();
  assert.deepEqual(roles(third), ['follower', 'follower', 'leader']);
  assert.equal(third.cluster!.leader, second.cluster!.leader, 'the restarted controller follows; the lead stays');
  assert.deepEqual(third.dead, []);
  const again = await stack.json<{ alreadyUp: boolean }>(['local', 'up']);
  assert.equal(again.alreadyUp, true);
});

test('kill -9 of etcd: the leader steps down, local up restarts etcd and it, the environment is kept', async () => {
  const envs = await stack.json<{ id: string }[]>(['env', 'list']);
  const first = await status();
  const leader = first.cluster!.controllers.find((c) => c.role === 'leader')!;
  process.kill(first.cluster!.etcd.pid, 'SIGKILL');
  // a leader that cannot renew its lease exits (code 3) within the lease: wait for it, so that
  // the repair below sees everything that will die
  const down = await waitFor(
    async () => {
      const st = await stack.run(['local', 'status', '--json']);
      const doc = JSON.parse(st.stdout) as LocalStatus;
      return doc.dead?.some((d) => d.what === leader.name) ? doc : null;
    },
    30_000,
    `${leader.name} stepping down without etcd`,
  );
  assert.equal(down.running, false);
  assert.ok(down.dead!.some((d) => d.what === 'etcd'));
  const repaired = await stack.json<{ restarted: { what: string }[] }>(['local', 'up']);
  assert.deepEqual(repaired.restarted.map((r) => r.what).sort(), ['etcd', leader.name].sort());
  const after = await status();
  assert.deepEqual(roles(after), ['follower', 'follower', 'leader']);
  assert.equal(after.cluster!.etcd.alive, true);
  assert.deepEqual(
    (await stack.json<{ id: string }[]>(['env', 'list'])).map((e) => e.id),
    envs.map((e) => e.id),
    'the store (etcd data) kept the environments',
  );
});

test('local up --controllers without an etcd binary: a clear error, nothing started', async () => {
  const home = tempHome();
  try {
    const r = await baton(home, ['local', 'up', '--agents', '1', '--controllers', '2'], { env: { PATH: path.join(home, 'no-bin') } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /needs etcd .* no etcd binary is on PATH: install it \(Debian: apt-get install etcd-server\) or set BATON_ETCD_BIN/);
    assert.equal(fs.existsSync(path.join(home, 'local', 'state.json')), false);
    assert.deepEqual(procsOf(home), []);
    const bad = await baton(home, ['local', 'up', '--controllers', '4']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--controllers must be 1 .* or 2 to 3/);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
