// Waiting for a step's live condition, with the trainee's answer when the step asks a question.
// The answer is one branch of the condition like any other: an `any:` is done as soon as one of its
// branches holds (the question is then withdrawn, unanswered), an `all:` waits for every branch
// (a right answer given early is kept, and not asked for again, while the rest comes).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Event } from '../rpc/gen/control.js';
import { holds, questionOf } from './conditions.js';
import type { LiveView } from './live.js';
import type { Condition } from './types.js';

/** what the step sees of the stack: the view and the events since the step began */
export interface StepLook {
  view: LiveView;
  events: readonly Event[];
}

/** the trainee's answer in this step (the scripted trainee sets it, or the person asked) */
export interface StepAnswer {
  text?: string;
}

export interface StepWaitOptions {
  done: Condition;
  look(): Promise<StepLook>;
  answer: StepAnswer;
  /** a person answers: resolves with the answer; `signal` aborts once the step no longer needs
   *  one (it is done, or it ended), and the ask then resolves or rejects as it likes */
  ask?: (question: string, signal: AbortSignal) => Promise<string>;
  /** a line for the trainee ("not quite: look again") */
  say(text: string): void;
  /** throws to end the wait: a fault or action that failed, a stop, the step's timeout */
  check(): void;
  pollMs: number;
}

/**
 * Whether the answer branches of a condition hold with this answer (the other branches aside):
 * null when the condition asks nothing. An `all:` needs each of its answer branches, an `any:`
 * one of them.
 */
export function answerHolds(c: Condition, input: StepLook & { answer?: string }): boolean | null {
  if ('answer' in c) return holds(c, input);
  if (!('all' in c) && !('any' in c)) return null;
  const branches = ('all' in c ? c.all : c.any).map((x) => answerHolds(x, input)).filter((x): x is boolean => x !== null);
  if (!branches.length) return null;
  return 'all' in c ? branches.every(Boolean) : branches.some(Boolean);
}

/** Resolves once the step's condition holds; rejects with what `check` (or the ask) threw. */
export async function waitUntilDone(o: StepWaitOptions): Promise<void> {
  const question = questionOf(o.done);
  const stepOver = new AbortController();
  let askFailure: unknown = null;
  const asking = question && o.ask ? askUntilAccepted(o, question, stepOver.signal) : Promise.resolve();
  asking.catch((e) => {
    if (!stepOver.signal.aborted) askFailure = e;
  });
  try {
    for (;;) {
      if (askFailure) throw askFailure;
      o.check();
      const look = await o.look();
      if (holds(o.done, { ...look, answer: o.answer.text })) return;
      await sleep(o.pollMs);
    }
  } finally {
    // a question still open is withdrawn: another branch of an `any:` held, or the step ended
    stepOver.abort();
    await asking.catch(() => undefined);
  }
}

/** Asks until the answer itself is right (what else the condition needs is the loop's to see). */
async function askUntilAccepted(o: StepWaitOptions, question: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    let text: string;
    try {
      text = await o.ask!(question, signal);
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    }
    if (signal.aborted) return;
    o.answer.text = text;
    if (answerHolds(o.done, { ...(await o.look()), answer: text })) return;
    o.say('not quite: look again');
  }
}
