// Training walkthroughs against a real local training stack (controller, agents, task processes),
// through the CLI: the shipped ones lint clean, wrong actions are reported, a production stack
// refuses them, and a walkthrough written from docs/training.md alone runs as written. Every
// shipped walkthrough runs to its end in the console (test/e2e/walkthroughs-*.spec.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localStack, ROOT, type LocalStack } from '../cli/harness.js';

interface Report {
  walkthrough: string;
  outcome: string;
  reason?: string;
  file: string;
  steps: { title: string; completed: boolean; faults: string[]; hints: string[]; wrongActions: { what: string }[] }[];
}

let stack: LocalStack;
before(async () => {
  stack = await localStack(['--agents', '2', '--training']);
});
after(async () => {
  const d = await stack.down();
  assert.deepEqual(d.left, [], 'local down leaves no process');
  fs.rmSync(stack.home, { recursive: true, force: true });
});

const shipped = fs
  .readdirSync(path.join(ROOT, 'training'))
  .filter((n) => n.endsWith('.yaml'))
  .map((n) => n.replace(/\.yaml$/, ''));

test('at least ten walkthroughs are shipped, and they lint clean', async () => {
  assert.ok(shipped.length >= 10, `${shipped.length} walkthroughs`);
  const r = await stack.json<{ ok: boolean; errors: number }>(['train', 'lint', '--json']);
  assert.equal(r.ok, true);
});

function writeWalkthrough(dir: string, name: string, text: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.yaml`), text);
}

test('wrong actions are in the report: a refused transition and a task the step did not ask to kill', async () => {
  const dir = path.join(stack.home, 'my-walkthroughs');
  writeWalkthrough(
    dir,
    'clumsy',
    `title: Clumsy start
audience: shifter
summary: The trainee presses the wrong button and kills the wrong task before starting.
stack: {workflow: training-demo, start_at: CONFIGURED}
steps:
  - title: Start
    instructions: Press START_ACTIVITY.
    allowed: [START_ACTIVITY]
    done: {env: {state: RUNNING}}
    trainee:
      - transition: STOP_ACTIVITY
      - kill_task: {role: gamma}
      - transition: START_ACTIVITY
debrief: Only START_ACTIVITY was asked for.
`,
  );
  const r = await stack.run(['train', 'start', 'clumsy', '--dir', dir, '--scripted', '--json'], { timeoutMs: 120_000 });
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.outcome, 'completed', report.reason);
  const wrong = report.steps[0]!.wrongActions.map((w) => w.what);
  assert.equal(wrong.length, 2, wrong.join('; '));
  assert.match(wrong[0]!, /pressed STOP_ACTIVITY \(this step expects START_ACTIVITY\), refused: TRANSITION_NOT_ALLOWED/);
  assert.match(wrong[1]!, /killed task gamma, which this step does not ask to kill/);
  const listed = await stack.ok(['train', 'report', 'last']);
  assert.match(listed.stdout, /step 1: wrong action: pressed STOP_ACTIVITY/);
});

test('a walkthrough written from docs/training.md alone runs as written', async () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'training.md'), 'utf8');
  const m = /<!-- example walkthrough -->\n```yaml\n([\s\S]*?)```/.exec(doc);
  assert.ok(m, 'docs/training.md has its example walkthrough');
  const dir = path.join(stack.home, 'from-docs');
  writeWalkthrough(dir, 'from-docs', m[1]!);
  const r = await stack.run(['train', 'start', 'from-docs', '--dir', dir, '--scripted', '--json'], { timeoutMs: 120_000 });
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.outcome, 'completed', report.reason ?? r.stderr);
  assert.deepEqual(report.steps[0]!.faults, ['kill -9 task gamma']);
});

test('a walkthrough file with mistakes is refused with each one located, and nothing is started', async () => {
  const dir = path.join(stack.home, 'broken');
  writeWalkthrough(
    dir,
    'broken',
    `title: Broken
audience: shifter
summary: s
stack: {workflow: training-demo}
steps:
  - title: a
    instructions: b
    done: {answer: {question: q, expect: "{{ nope }}"}}
    faults:
      - {kill_tsk: {role: alpha}}
    trainee: []
debrief: d
`,
  );
  const lint = await stack.run(['train', 'lint', path.join(dir, 'broken.yaml')]);
  assert.equal(lint.code, 2);
  assert.match(lint.stdout, /broken\.yaml:10:10: error BAD_TEMPLATE: steps\.0\.faults\.0: unknown field "kill_tsk"/);
  const before = await stack.json<unknown[]>(['env', 'list', '--json']);
  const start = await stack.run(['train', 'start', 'broken', '--dir', dir, '--scripted']);
  assert.notEqual(start.code, 0);
  assert.match(start.stderr, /broken\.yaml:10:10/);
  assert.equal((await stack.json<unknown[]>(['env', 'list', '--json'])).length, before.length, 'no environment was created');
});

test('a stack not started for training refuses every walkthrough, before creating anything', async () => {
  const prod = await localStack(['--agents', '1']);
  try {
    const r = await prod.run(['train', 'start', '02-take-a-run', '--scripted']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is not a training stack: walkthroughs inject faults only where the controller was started for training.*\[PERMISSION_DENIED\]/);
    assert.deepEqual(await prod.json<unknown[]>(['env', 'list', '--json']), []);
  } finally {
    await prod.down();
    fs.rmSync(prod.home, { recursive: true, force: true });
  }
});
