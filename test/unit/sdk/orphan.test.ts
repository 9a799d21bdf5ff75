// The orphan grace, for both SDKs (Node: assets/programs/demo-task.js, C: sdk/c/demo_task.c) against the
// agent's real control server: a task whose agent goes away and never comes back leaves once
// BATON_ORPHAN_GRACE_MS has passed (not before), saying why; a task whose agent comes back within
// the grace is adopted again and stays.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlServer, exitOf, tmpDir, until } from './control-fixture.js';

const PROGRAMS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets/programs');
const C_DEMO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sdk/c/demo_task');
const SDKS = [
  { sdk: 'Node', command: process.execPath, args: [path.join(PROGRAMS, 'demo-task.js')], skip: false as const },
  { sdk: 'C', command: C_DEMO, args: [], skip: fs.existsSync(C_DEMO) ? (false as const) : `${C_DEMO} was not built (no C compiler)` },
];

function startTask(t: TestContext, s: (typeof SDKS)[number], address: string, graceMs: number) {
  const p = spawn(s.command, s.args, {
    env: {
      ...process.env,
      BATON_CONTROL: address,
      BATON_TASK_ID: 'task-1',
      BATON_TASK_TOKEN: 'secret',
      BATON_TASK_NAME: 'lonely',
      BATON_ORPHAN_GRACE_MS: String(graceMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => p.kill('SIGKILL'));
  return { p, exited: exitOf(p) };
}

for (const s of SDKS) {
  test(`${s.sdk} SDK: a task whose agent never comes back leaves after the orphan grace, saying why`, { skip: s.skip }, async (t) => {
    const { server, got } = await controlServer(t);
    const { exited } = startTask(t, s, server.address, 1200);
    await until(() => got.hellos.length === 1, 'hello');
    got.conns[0]!.send({ seq: 1, event: 'CONFIGURE', args: {}, deadlineMs: 5000 });
    await until(() => got.replies.length === 1, 'the reply to CONFIGURE');
    const lostAt = Date.now();
    await server.stop(); // the agent dies and nothing takes its place
    const r = await exited;
    const after = Date.now() - lostAt;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /lonely: no agent at unix:\/\/\S+ for \d+\.\d s \(BATON_ORPHAN_GRACE_MS 1200\); leaving rather than running on as an orphan/);
    assert.ok(after >= 1200, `left ${after} ms after losing its agent, before the 1200 ms grace`);
  });

  test(`${s.sdk} SDK: a task whose agent comes back within the grace is adopted again and stays`, { skip: s.skip }, async (t) => {
    const socketPath = path.join(tmpDir(t, 'baton-orphan-'), 'task.sock');
    const first = await controlServer(t, { socketPath });
    const { p, exited } = startTask(t, s, first.server.address, 1500);
    await until(() => first.got.hellos.length === 1, 'hello');
    // an answer means the welcome (sent before any transition) came: the task has had an agent
    first.got.conns[0]!.send({ seq: 1, event: 'CONFIGURE', args: {}, deadlineMs: 5000 });
    await until(() => first.got.replies.length === 1, 'the reply to CONFIGURE');
    await first.server.stop();
    await new Promise((r) => setTimeout(r, 500));
    const second = await controlServer(t, { socketPath }); // the restarted agent
    await until(() => second.got.hellos.length === 1, 'a hello to the restarted agent', 5000);
    await new Promise((r) => setTimeout(r, 2000)); // past the grace counted from the first loss
    assert.equal(p.exitCode, null, 'the re-adopted task is still running');
    second.got.conns[0]!.send({ seq: 1, event: 'EXIT', args: {}, deadlineMs: 5000 });
    const r = await exited;
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /orphan/);
  });
}
