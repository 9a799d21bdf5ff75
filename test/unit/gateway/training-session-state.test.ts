// The console's training session state, folded from the walkthrough runner's notices: what the
// side panel shows (current step, what it waits for, hints, faults, wrong actions, the end).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applySessionChange, type SessionChange, type TrainingSessionState } from '../../../core/gateway/training/contract.js';
import { applyEnd, applyNotice, applyQuestion, diffSession, newSessionState } from '../../../core/gateway/training/session-state.js';
import type { Walkthrough } from '../../../core/training/types.js';

const walkthrough: Walkthrough = {
  id: 'x-test',
  file: '/tmp/x-test.yaml',
  title: 'Test',
  audience: 'shifter',
  summary: 'a test',
  stack: { workflow: 'training-demo' },
  steps: [
    { title: 'Start', instructions: 'Press **START_ACTIVITY**.', allowed: ['START_ACTIVITY'], done: { env: { state: 'RUNNING' } }, trainee: [] },
    {
      title: 'Answer',
      instructions: 'Which?',
      done: { all: [{ task: { role: 'gamma', restarted: true } }, { answer: { question: 'Which task?', expect: 'gamma' } }] },
      trainee: [],
    },
  ],
  debrief: 'Well done.',
};

describe('training session state', () => {
  it('starts with every step pending, saying what each waits for and asks', () => {
    const s = newSessionState(walkthrough, 'ana', 'id1', 1000);
    assert.equal(s.phase, 'preparing');
    assert.equal(s.current, -1);
    assert.deepEqual(
      s.steps.map((x) => x.status),
      ['pending', 'pending'],
    );
    assert.match(s.steps[0]!.waitingFor, /RUNNING/);
    assert.equal(s.steps[0]!.question, '');
    assert.equal(s.steps[1]!.question, 'Which task?');
  });

  it('follows the notices: step, fault, hint, a rejected answer, done, wrong action', () => {
    const s = newSessionState(walkthrough, 'ana', 'id1', 1000);
    applyNotice(s, { kind: 'environment', envId: 'env-1' }, 1001);
    applyNotice(s, { kind: 'step', index: 0 }, 1002);
    assert.equal(s.phase, 'step');
    assert.equal(s.steps[0]!.status, 'current');
    applyNotice(s, { kind: 'step-done', index: 0, durationMs: 500 }, 1500);
    applyNotice(s, { kind: 'step', index: 1 }, 1501);
    applyNotice(s, { kind: 'fault', index: 1, text: 'kill -9 task gamma' }, 1600);
    applyNotice(s, { kind: 'hint', index: 1, text: 'look at the table' }, 1700);
    applyQuestion(s, 'Which task?', false, 1701);
    assert.equal(s.question, 'Which task?');
    assert.equal(s.answerRejected, false);
    applyQuestion(s, 'Which task?', true, 1800);
    assert.equal(s.answerRejected, true);
    applyNotice(s, { kind: 'step-done', index: 1, durationMs: 400 }, 1900);
    assert.equal(s.phase, 'judging');
    assert.equal(s.question, '');
    applyNotice(s, { kind: 'wrong-action', index: 0, text: 'pressed RESET (this step expects START_ACTIVITY)' }, 2000);
    assert.equal(s.envId, 'env-1');
    assert.deepEqual(s.steps[1]!.faults, ['kill -9 task gamma']);
    assert.deepEqual(s.steps[1]!.hints, ['look at the table']);
    assert.deepEqual(s.steps[0]!.wrongActions, ['pressed RESET (this step expects START_ACTIVITY)']);
    assert.deepEqual(
      s.messages.map((m) => m.kind),
      ['info', 'info', 'done', 'info', 'fault', 'hint', 'info', 'done', 'wrong-action'],
    );
    assert.equal(s.messages.find((m) => m.kind === 'fault')!.text, 'a fault was injected: kill -9 task gamma');
  });

  it('ends with the report: the debrief when completed, the reason when not', () => {
    const completed = newSessionState(walkthrough, 'ana', 'id1', 1000);
    applyEnd(
      completed,
      {
        walkthrough: 'x-test',
        title: 'Test',
        trainee: 'ana',
        scripted: false,
        envId: 'env-1',
        startedMs: 1000,
        durationMs: 900,
        outcome: 'completed',
        steps: [
          { title: 'Start', durationMs: 500, hints: [], faults: [], wrongActions: [], completed: true },
          { title: 'Answer', durationMs: 400, hints: [], faults: [], wrongActions: [], completed: true },
        ],
      },
      'Well done.',
      'r1',
      2000,
    );
    assert.equal(completed.phase, 'ended');
    assert.equal(completed.outcome, 'completed');
    assert.equal(completed.debrief, 'Well done.');
    assert.equal(completed.reportName, 'r1');

    const stopped = newSessionState(walkthrough, 'ana', 'id2', 1000);
    applyNotice(stopped, { kind: 'step', index: 0 }, 1002);
    applyEnd(
      stopped,
      {
        walkthrough: 'x-test',
        title: 'Test',
        trainee: 'ana',
        scripted: false,
        envId: 'env-2',
        startedMs: 1000,
        durationMs: 300,
        outcome: 'stopped',
        reason: 'stopped by the trainee',
        steps: [{ title: 'Start', durationMs: 300, hints: [], faults: [], wrongActions: [], completed: false }],
      },
      'Well done.',
      'r2',
      2000,
    );
    assert.equal(stopped.debrief, '');
    assert.deepEqual(
      stopped.steps.map((x) => x.status),
      ['not done', 'pending'],
    );
    assert.equal(stopped.messages.at(-1)!.kind, 'error');
    assert.match(stopped.messages.at(-1)!.text, /stopped: stopped by the trainee/);
  });

  it('streams as changes: the page folds them onto its copy and has the session of the gateway, version by version', () => {
    const gateway = newSessionState(walkthrough, 'ana', 'id1', 1000);
    let page: TrainingSessionState = structuredClone(gateway);
    const changes: SessionChange[] = [];
    // what TrainingSession.update does: change, one version more, tell what changed
    const update = (change: (s: TrainingSessionState) => void) => {
      const before = structuredClone(gateway);
      change(gateway);
      gateway.version += 1;
      changes.push(diffSession(before, gateway));
    };
    update((s) => applyNotice(s, { kind: 'environment', envId: 'env-1' }, 1001));
    update((s) => applyNotice(s, { kind: 'step', index: 0 }, 1002));
    update((s) => applyNotice(s, { kind: 'hint', index: 0, text: 'look up' }, 1003));
    update((s) => applyNotice(s, { kind: 'step-done', index: 0, durationMs: 5 }, 1004));
    update((s) => applyNotice(s, { kind: 'step', index: 1 }, 1005));
    update((s) => applyQuestion(s, 'Which task?', false, 1006));
    update((s) => void (s.question = ''));
    for (const c of changes) {
      const before = page;
      const next = applySessionChange(page, c);
      assert.ok(next, `change ${c.version} follows the copy`);
      assert.equal(before.messages.length <= next.messages.length, true);
      page = next;
    }
    assert.deepEqual(page, gateway);
    // a change carries only what changed: the hint touched the first step and added one message
    const hint = changes[2]!;
    assert.deepEqual(
      hint.steps.map((x) => x.index),
      [0],
    );
    assert.equal(hint.messages.length, 1);
    assert.deepEqual(Object.keys(hint.fields), []);
    assert.deepEqual(Object.keys(changes[5]!.fields), ['question']);
  });

  it('a change that does not follow the copy (missed, repeated, another session) is not applied', () => {
    const s = newSessionState(walkthrough, 'ana', 'id1', 1000);
    const after = structuredClone(s);
    applyNotice(after, { kind: 'step', index: 0 }, 1002);
    after.version = 2;
    const skipped = diffSession(s, after);
    assert.equal(applySessionChange(s, skipped), null, 'version 2 onto version 0: one was missed');
    after.version = 1;
    const next = diffSession(s, after);
    assert.ok(applySessionChange(s, next));
    assert.equal(applySessionChange({ ...s, id: 'other' }, next), null);
    assert.equal(s.current, -1, 'the copy itself is left as it was');
  });
});
