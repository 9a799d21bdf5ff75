// Faults through the real CLI: kill -9 of a critical task (ERROR within 2 s naming it; RECOVER
// brings the environment back), of a non-critical task (no ERROR), of an agent (within 5 s its
// node is SUSPECT and its tasks unreachable, the environment RUNNING with its run: the agent-loss
// grace); and local down still leaves no process (the lost agent's tasks included).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { logsOf, pollUntil, type LocalStack } from '../cli/harness.js';
import { alive, control, show, task, type EnvDoc, type TaskDoc, sharedStack } from './common.js';

interface EventDoc {
  seq: number;
  timeMs: number;
  kind: string;
  state: string | null;
}

async function runningQuick(stack: LocalStack): Promise<string> {
  const { id } = await stack.json<EnvDoc>(['env', 'create', 'quick']);
  for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) await control(stack, id, t);
  return id;
}

describe('faults', () => {
  const stackOf = sharedStack('local down leaves no process, not even the tasks of the killed agent');
  let stack: LocalStack;
  before(() => {
    stack = stackOf();
  });

  test('kill -9 of the critical task alpha: ERROR within 2 s naming alpha; RECOVER brings it back', async (t) => {
    const id = await runningQuick(stack);
    const tasks = await stack.json<TaskDoc[]>(['task', 'list', '--env', id]);
    const alpha = tasks.find((x) => x.name === 'alpha')!;
    const others = tasks.filter((x) => x.name !== 'alpha');
    assert.ok(alive(alpha.pid), 'alpha runs');
    const killedMs = Date.now();
    process.kill(alpha.pid!, 'SIGKILL');
    const seen = await pollUntil(
      () => show(stack, id),
      (e) => e.state === 'ERROR',
      10_000,
      50,
    );
    assert.ok(seen.met, `the environment went to ERROR (it is ${seen.value.state})\n${logsOf(stack.home)}`);
    // when the controller says it happened (its event), and when the CLI first saw it
    const events = await stack.json<EventDoc[]>(['events', '--env', id, '--kind', 'env.state']);
    const ev = events.filter((e) => e.state === 'ERROR').at(-1);
    const latency = ev ? ev.timeMs - killedMs : seen.ms;
    t.diagnostic(`ERROR ${latency} ms after kill -9 (controller event), seen by polling the CLI after ${seen.ms} ms`);
    assert.ok(latency <= 2000, `ERROR within 2 s (took ${latency} ms)`);
    const err = seen.value.error;
    assert.ok(err, 'the environment carries the reason');
    assert.ok(err.taskName === 'alpha' || /alpha/.test(err.message) || err.taskId?.endsWith('/alpha'), `the reason names alpha: ${JSON.stringify(err)}`);
    // the human view names it too
    const text = await stack.ok(['env', 'show', id]);
    assert.match(text.stdout, /error: .*alpha/);

    await control(stack, id, 'RECOVER');
    const back = await show(stack, id);
    assert.equal(back.state, 'DEPLOYED');
    const alpha2 = task(back, 'alpha');
    assert.ok(alive(alpha2.pid) && alpha2.pid !== alpha.pid, 'alpha was restarted');
    for (const o of others) assert.equal(task(back, o.name).pid, o.pid, `healthy ${o.name} was kept`);
    await control(stack, id, 'CONFIGURE');
    await control(stack, id, 'START_ACTIVITY');
    assert.equal((await show(stack, id)).state, 'RUNNING');
  });

  test('kill -9 of the non-critical task gamma: no ERROR', async () => {
    const id = await runningQuick(stack);
    const gamma = task(await show(stack, id), 'gamma');
    process.kill(gamma.pid!, 'SIGKILL');
    // wait until the controller has noticed gamma's death, then look at the environment
    const seen = await pollUntil(
      () => show(stack, id),
      (e) => task(e, 'gamma').state !== 'RUNNING' || task(e, 'gamma').pid !== gamma.pid,
      5000,
      100,
    );
    assert.ok(seen.met, `gamma's death is reported (gamma: ${JSON.stringify(task(seen.value, 'gamma'))})`);
    await new Promise((r) => setTimeout(r, 500));
    const e = await show(stack, id);
    assert.equal(e.state, 'RUNNING', 'a non-critical loss does not stop the run');
    assert.ok(alive(task(e, 'alpha').pid) && alive(task(e, 'beta').pid));
  });

  test('a task crashing in CONFIGURE: exit 1 naming the task, node, exit code and last lines', async () => {
    // a repo of our own: the demo program, told to crash (exit 3) in CONFIGURE
    const repo = path.join(stack.home, 'crash-repo');
    fs.mkdirSync(path.join(repo, 'workflows'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'tasks'), { recursive: true });
    fs.writeFileSync(
      path.join(repo, 'tasks', 'crashy.yaml'),
      [
        'name: crashy',
        'control: controlled',
        'command: "{{ baton.node }}"',
        'args: ["{{ baton.root }}/dist/assets/programs/demo-task.js"]',
        'defaults: {crash_on: ""}',
        'properties: {crash_on: "{{ crash_on }}"}',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(repo, 'workflows', 'crashy.yaml'),
      [
        'name: crashy',
        'vars: {crash_on: {type: string, default: CONFIGURE}}',
        'roles:',
        '  - name: alpha',
        '    task: {class: crashy, critical: true}',
        '',
      ].join('\n'),
    );
    const { id } = await stack.json<EnvDoc>(['env', 'create', path.join(repo, 'workflows', 'crashy.yaml')]);
    await control(stack, id, 'DEPLOY');
    const r = await stack.run(['env', 'control', id, 'CONFIGURE']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /alpha/);
    assert.match(r.stderr, /agent-\d/);
    assert.match(r.stderr, /exit code 3/);
    assert.match(r.stderr, /\| alpha: crashing in CONFIGURE/, 'the last lines it printed');
    const e = await show(stack, id);
    assert.equal(e.state, 'ERROR');
    assert.equal(e.error?.code, 'TASK_FAILED');
    assert.equal(e.error?.taskName, 'alpha');
    // the structured form of the same failure
    await control(stack, id, 'RECOVER');
    const j = await stack.run(['env', 'control', id, 'CONFIGURE', '--json']);
    assert.equal(j.code, 1);
    const err = JSON.parse(j.stdout).error as { code: string; taskName: string; node: string; exitCode: number; lastLines: string[] };
    assert.equal(err.code, 'TASK_FAILED');
    assert.equal(err.taskName, 'alpha');
    assert.match(err.node, /^agent-\d$/);
    assert.equal(err.exitCode, 3);
    assert.ok(err.lastLines.some((l) => l.includes('crashing in CONFIGURE')));
    await stack.ok(['env', 'destroy', id]);
  });

  test('kill -9 of an agent: within 5 s its tasks are unreachable, the environment RUNNING and degraded', async (t) => {
    const id = await runningQuick(stack);
    const e = await show(stack, id);
    const state = JSON.parse(fs.readFileSync(path.join(stack.home, 'local', 'state.json'), 'utf8')) as { agents: { name: string; pid: number }[] };
    // the agent that runs most of this environment's tasks
    const count = (n: string) => e.tasks.filter((x) => x.node === n).length;
    const victim = [...state.agents].sort((a, b) => count(b.name) - count(a.name))[0]!;
    const itsTasks = e.tasks.filter((x) => x.node === victim.name).map((x) => x.name);
    assert.ok(itsTasks.length > 0, 'the victim agent runs tasks');
    const killedMs = Date.now();
    process.kill(victim.pid, 'SIGKILL');
    const unreachable = (v: EnvDoc) => itsTasks.every((n) => (task(v, n) as TaskDoc & { unreachable?: boolean }).unreachable);
    const seen = await pollUntil(() => show(stack, id), unreachable, 15_000, 100);
    const ms = Date.now() - killedMs;
    t.diagnostic(`${itsTasks.length} tasks of ${victim.name} unreachable, seen by polling the CLI after ${seen.ms} ms`);
    assert.ok(seen.met, `tasks ${itsTasks.join(', ')} of ${victim.name} are marked unreachable: ${JSON.stringify(seen.value.tasks)}`);
    assert.ok(ms <= 5000, `unreachable within 5 s (took ${ms} ms)`);
    const doc = seen.value as EnvDoc & { degraded?: boolean; unreachableNodes?: string[] };
    assert.equal(doc.state, 'RUNNING', 'the run goes on during the agent-loss grace');
    assert.equal(doc.degraded, true);
    assert.deepEqual(doc.unreachableNodes, [victim.name]);
    assert.ok(
      itsTasks.every((n) => !task(doc, n).lost),
      'not lost yet',
    );
    const nodes = await stack.json<{ name: string; up: boolean; suspect: boolean }[]>(['node', 'list']);
    const node = nodes.find((n) => n.name === victim.name);
    assert.equal(node?.up, false, 'the node is not up');
    assert.equal(node?.suspect, true, 'the node is SUSPECT');
  });
});
