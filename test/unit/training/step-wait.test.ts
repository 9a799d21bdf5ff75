// A step that asks a question: the answer is one branch of its condition. An `any:` is done as soon
// as one branch holds, the answer or another (then the question is withdrawn: no hang waiting for
// an answer nobody needs); an `all:` waits for every branch, and keeps a right answer given early.
// The stack is a sequence of views (the environment's state changing), the trainee a scripted
// answerer: what the runner's step loop sees of a live stack and of a person.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Environment } from '../../../core/rpc/gen/control.js';
import type { LiveView } from '../../../core/training/live.js';
import { answerHolds, waitUntilDone, type StepAnswer, type StepLook } from '../../../core/training/step-wait.js';
import type { Condition } from '../../../core/training/types.js';

function look(state: string): StepLook {
  const view: LiveView = {
    env: Environment.fromPartial({ id: 'env-1', state }),
    nodes: [],
    lastRun: 0,
    controllerUp: true,
    me: 'ana',
    placed: {},
  };
  return { view, events: [] };
}

const question = 'Which task was restarted?';
const answer: Condition = { answer: { question, expect: 'gamma' } };
const running: Condition = { env: { state: 'RUNNING' } };

/** A stack whose environment is in `state()`, and a trainee who answers from `answers` when asked
 *  (each answer when `release` is called for it), recording what happened. */
function harness(state: () => string) {
  const said: string[] = [];
  const asked: { question: string; signal: AbortSignal }[] = [];
  const pending: ((a: string) => void)[] = [];
  const withdrawn: string[] = [];
  const seen = { looks: 0 };
  return {
    said,
    seen,
    /** resolves after the step loop looked at the stack a few more times (it had its chance) */
    async aFewLooks() {
      const from = seen.looks;
      await until(() => seen.looks >= from + 3);
    },
    asked,
    withdrawn,
    /** the trainee answers the question asked last */
    reply(text: string) {
      const resolve = pending.shift();
      assert.ok(resolve, `no question is waiting for ${text}`);
      resolve(text);
    },
    options(done: Condition, box: StepAnswer = {}) {
      return {
        done,
        look: async () => {
          seen.looks += 1;
          return look(state());
        },
        answer: box,
        ask: (q: string, signal: AbortSignal) => {
          asked.push({ question: q, signal });
          return new Promise<string>((resolve) => {
            let open = true;
            pending.push((a) => {
              open = false;
              resolve(a);
            });
            signal.addEventListener('abort', () => {
              if (!open) return;
              withdrawn.push(q);
              resolve('');
            });
          });
        },
        say: (text: string) => said.push(text),
        check: () => undefined,
        pollMs: 5,
      };
    },
  };
}

/** resolves once `f` is true (polled): the test waits for what the step loop does next */
async function until(f: () => boolean): Promise<void> {
  while (!f()) await new Promise((r) => setTimeout(r, 2));
}

test('answer alone: a wrong answer is asked again, the right one ends the step', async () => {
  const h = harness(() => 'CONFIGURED');
  let done = false;
  const waiting = waitUntilDone(h.options(answer)).then(() => (done = true));
  await until(() => h.asked.length === 1);
  h.reply('alpha');
  await until(() => h.asked.length === 2);
  assert.deepEqual(h.said, ['not quite: look again']);
  assert.equal(done, false);
  h.reply(' Gamma ');
  await waiting;
  assert.equal(h.asked.length, 2);
  assert.deepEqual(h.withdrawn, [], 'the question was answered, not withdrawn');
});

test('any: with an answer is done when the other branch holds first: the question is withdrawn, unanswered', async () => {
  let state = 'CONFIGURED';
  const h = harness(() => state);
  const box: StepAnswer = {};
  const waiting = waitUntilDone(h.options({ any: [running, answer] }, box));
  await until(() => h.asked.length === 1);
  state = 'RUNNING';
  await waiting;
  assert.deepEqual(h.withdrawn, [question]);
  assert.equal(h.asked[0]!.signal.aborted, true);
  assert.equal(box.text, undefined, 'no answer was needed');
});

test('any: with an answer is done on the right answer, the other branch never holding', async () => {
  const h = harness(() => 'CONFIGURED');
  const waiting = waitUntilDone(h.options({ any: [running, answer] }));
  await until(() => h.asked.length === 1);
  h.reply('gamma');
  await waiting;
  assert.deepEqual(h.said, []);
  assert.deepEqual(h.withdrawn, []);
});

test('any: whose other branch already holds does not wait for the question at all', async () => {
  const h = harness(() => 'RUNNING');
  await waitUntilDone(h.options({ any: [answer, running] }));
  assert.ok(
    h.asked.every((a) => a.signal.aborted),
    'a question asked is withdrawn',
  );
});

test('all: with an answer waits for both; a right answer given early is kept and not asked again', async () => {
  let state = 'CONFIGURED';
  const h = harness(() => state);
  let done = false;
  const waiting = waitUntilDone(h.options({ all: [running, answer] })).then(() => (done = true));
  await until(() => h.asked.length === 1);
  h.reply('beta');
  await until(() => h.asked.length === 2);
  assert.deepEqual(h.said, ['not quite: look again'], 'a wrong answer is refused even while the rest does not hold');
  h.reply('gamma');
  await h.aFewLooks();
  assert.equal(done, false, 'the environment is not RUNNING yet');
  assert.equal(h.asked.length, 2, 'the right answer is not asked for again');
  state = 'RUNNING';
  await waiting;
  assert.deepEqual(h.said, ['not quite: look again']);
});

test('all: with an answer, the other branch first: the step waits for the answer', async () => {
  const h = harness(() => 'RUNNING');
  let done = false;
  const waiting = waitUntilDone(h.options({ all: [running, answer] })).then(() => (done = true));
  await until(() => h.asked.length === 1);
  await h.aFewLooks();
  assert.equal(done, false);
  h.reply('gamma');
  await waiting;
});

test("the scripted trainee's answer (set, not asked) ends an any: too", async () => {
  const h = harness(() => 'CONFIGURED');
  const box: StepAnswer = {};
  const options = { ...h.options({ any: [running, answer] }, box), ask: undefined };
  const waiting = waitUntilDone(options);
  box.text = 'gamma';
  await waiting;
  assert.equal(h.asked.length, 0);
});

test('a stop (check throws) ends the wait with its error and withdraws the question', async () => {
  const h = harness(() => 'CONFIGURED');
  let stopped = false;
  const waiting = waitUntilDone({
    ...h.options(answer),
    check: () => {
      if (stopped) throw new Error('stopped by the trainee');
    },
  });
  await until(() => h.asked.length === 1);
  stopped = true;
  await assert.rejects(waiting, /stopped by the trainee/);
  assert.deepEqual(h.withdrawn, [question]);
});

test('answerHolds judges only the answer branches', () => {
  const at = look('CONFIGURED');
  assert.equal(answerHolds(running, { ...at, answer: 'gamma' }), null, 'no question');
  assert.equal(answerHolds({ all: [running, answer] }, { ...at, answer: 'gamma' }), true);
  assert.equal(answerHolds({ all: [running, answer] }, { ...at, answer: 'beta' }), false);
  const two: Condition = { any: [answer, { answer: { question, expect: 'alpha' } }] };
  assert.equal(answerHolds(two, { ...at, answer: 'alpha' }), true);
  assert.equal(answerHolds({ answer: { question: 'which env?', expect: '{{env}}' } }, { ...at, answer: 'env-1' }), true);
});
