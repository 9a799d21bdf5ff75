// Runs a walkthrough against a live training stack: creates its environment and brings it to the
// starting state, then leads through each step (instructions, faults at their time, hints after
// their delay) until the step's live condition holds, and ends with the debrief and a report.
// The trainee is a person at a terminal (or the console) or the scripted trainee (CI, handbook).
import { setTimeout as sleep } from 'node:timers/promises';
import { BatonError, toBatonError } from '../model/errors.js';
import type { ControlConnection } from '../rpc/control-client.js';
import { wrongActions, type WrongAction } from './actions.js';
import { describe } from './conditions.js';
import { assertTrainingStack, clearHookFlags, clearLogDisks, describeFault, durationMs, inject, type FaultTarget } from './faults.js';
import { Live } from './live.js';
import { assertClusterStack } from './leader.js';
import type { TrainingNotice } from './notices.js';
import type { StepReport, TrainingReport } from './report.js';
import { localUp } from '../local/up.js';
import { logDiskUnavailable } from './log-disk.js';
import { readState } from '../local/state.js';
import { performScripted, type ScriptedContext } from './scripted.js';
import { waitUntilDone, type StepAnswer } from './step-wait.js';
import type { Step, TraineeAction, Walkthrough } from './types.js';

/** What performs a step's `trainee` actions: the scripted trainee (gRPC, as the CLI) by default;
 *  the console's browser tests give one that clicks the console instead. */
export type Performer = (actions: readonly TraineeAction[], context: ScriptedContext & { step: Step; index: number }) => Promise<void>;

export interface TrainingIO {
  /** a line for the trainee: instructions, hints, what happened */
  say(text: string): void;
  /** asks the step's question and resolves with the answer (a person at a terminal); `signal`
   *  aborts when the step no longer needs the answer (another branch of an `any:` held, or the
   *  step ended): the question is then withdrawn */
  ask?(question: string, signal: AbortSignal): Promise<string>;
  /** the same happenings, structured (the console's training panel) */
  notice?(n: TrainingNotice): void;
}

export interface RunWalkthroughOptions {
  control: ControlConnection;
  walkthrough: Walkthrough;
  target: FaultTarget;
  /** runs one transition to its end, throwing its structured failure */
  transition(envId: string, name: string): Promise<void>;
  io: TrainingIO;
  /** the scripted trainee performs each step's `trainee` actions */
  scripted: boolean;
  /** performs the trainee actions when `scripted` (default: performScripted, through gRPC) */
  perform?: Performer;
  /** told when a step's instructions are shown ('start') and when its condition holds ('done'):
   *  the handbook's screenshots are taken then; awaited, so the step waits for it */
  onStep?: (phase: 'start' | 'done', index: number, step: Step) => Promise<void> | void;
  /** who is trained (the report says) */
  trainee: string;
  /** a step not done within this fails the walkthrough (default: 2 min scripted, none for a person) */
  stepTimeoutMs?: number;
  signal?: AbortSignal;
}

const POLL_MS = 250;
const START_PATH = ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY'];
const STATE_AFTER: Record<string, string> = { DEPLOY: 'DEPLOYED', CONFIGURE: 'CONFIGURED', START_ACTIVITY: 'RUNNING' };

function stackVars(w: Walkthrough, flagsDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.stack.vars ?? {})) out[k] = String(v).replace(/\{\{\s*flags\s*\}\}/g, flagsDir);
  return out;
}

export async function runWalkthrough(o: RunWalkthroughOptions): Promise<TrainingReport> {
  const { control, walkthrough: w, io } = o;
  await assertTrainingStack(control);
  assertClusterStack(w, o.target.home);
  if (w.steps.some((s) => s.faults?.some((f) => 'fill_log_disk' in f))) {
    // refused before anything is created: the fault could not be injected here
    const why = logDiskUnavailable();
    if (why) throw new BatonError('PERMISSION_DENIED', `walkthrough ${w.id}: ${why}`, { where: 'fill_log_disk' });
  }
  const startedMs = Date.now();
  const env = await control.call('createEnvironment', {
    workflow: w.stack.workflow,
    vars: stackVars(w, o.target.flagsDir),
    repo: '',
    revision: '',
    owner: '',
    autoDeploy: false,
    name: `training: ${w.title}`,
    runType: 'TRAINING',
  });
  const report: TrainingReport = {
    walkthrough: w.id,
    title: w.title,
    trainee: o.trainee,
    scripted: o.scripted,
    envId: env.id,
    startedMs,
    durationMs: 0,
    outcome: 'completed',
    steps: [],
  };
  io.notice?.({ kind: 'environment', envId: env.id });
  const live = new Live(control, env.id, (w.stack.controllers ?? 1) > 1 ? o.target.home : undefined);
  const background: Promise<void>[] = [];
  const faultKills = new Set<string>();
  const windows: { fromMs: number; toMs: number }[] = [];
  try {
    io.say(`# ${w.title}\n${w.summary}\nenvironment ${env.id} (${w.stack.workflow})`);
    const target = w.stack.start_at ?? 'STANDBY';
    for (const t of START_PATH.slice(0, START_PATH.findIndex((x) => STATE_AFTER[x] === target) + 1)) await o.transition(env.id, t);
    live.follow();
    for (const [i, step] of w.steps.entries()) {
      const r = await runStep(o, live, step, i, background, faultKills);
      report.steps.push(r.report);
      windows.push(r.window);
      if (!r.report.completed) {
        report.outcome = o.signal?.aborted ? 'stopped' : 'failed';
        report.reason = r.reason;
        break;
      }
    }
    // the audit event of a call is sent when the call ends: let the last ones arrive, then judge
    // each step's actions by when they began
    await sleep(500);
    const view = await live.view();
    report.steps.forEach((s, i) => {
      s.wrongActions = wrongActions(w.steps[i]!, windows[i]!, live.events, view, faultKills);
      for (const a of s.wrongActions) {
        io.say(`step ${i + 1}: wrong action: ${a.what}`);
        io.notice?.({ kind: 'wrong-action', index: i, text: a.what });
      }
    });
    if (report.outcome === 'completed') io.say(`## Debrief\n${w.debrief}`);
  } catch (e) {
    report.outcome = 'failed';
    report.reason = toBatonError(e).message;
  } finally {
    live.stop();
    await Promise.allSettled(background);
    clearHookFlags(o.target.flagsDir, env.id);
    if (w.steps.some((s) => s.faults?.some((f) => 'fill_log_disk' in f)))
      clearLogDisks(
        o.target.home,
        (readState(o.target.home)?.agents ?? []).map((a) => a.name),
      );
    await control.call('destroyEnvironment', { id: env.id, force: true }).catch(() => undefined);
    report.durationMs = Date.now() - startedMs;
  }
  return report;
}

async function runStep(
  o: RunWalkthroughOptions,
  live: Live,
  step: Step,
  index: number,
  background: Promise<void>[],
  faultKills: Set<string>,
): Promise<{ report: StepReport; window: { fromMs: number; toMs: number }; reason?: string }> {
  const t0 = Date.now();
  const firstEvent = live.events.length;
  const report: StepReport = { title: step.title, durationMs: 0, hints: [], faults: [], wrongActions: [], completed: false };
  const timers: NodeJS.Timeout[] = [];
  let failure: BatonError | null = null;
  o.io.say(`## Step ${index + 1}: ${step.title}\n${step.instructions}`);
  o.io.notice?.({ kind: 'step', index });
  const faults = step.faults ?? [];
  const applied = (f: (typeof faults)[number], r: { killedTask?: string }) => {
    if (r.killedTask) faultKills.add(r.killedTask);
    report.faults.push(describeFault(f));
    o.io.notice?.({ kind: 'fault', index, text: describeFault(f) });
  };
  // a fault without a delay is there before the trainee can act (a hook that must fail at the
  // trainee's first press); the others come at their time
  for (const f of faults.filter((x) => !x.after)) applied(f, await inject(f, await live.view(), o.target, background));
  await o.onStep?.('start', index, step);
  for (const f of faults.filter((x) => x.after)) {
    timers.push(
      setTimeout(() => {
        live
          .view()
          .then((view) => inject(f, view, o.target, background))
          .then((r) => applied(f, r))
          .catch((e) => {
            failure = toBatonError(e);
          });
      }, durationMs(f.after!)),
    );
  }
  for (const h of step.hints ?? []) {
    timers.push(
      setTimeout(() => {
        report.hints.push(h.text);
        o.io.say(`hint: ${h.text}`);
        o.io.notice?.({ kind: 'hint', index, text: h.text });
      }, durationMs(h.after)),
    );
  }
  const answer: StepAnswer = {};
  const context = {
    control: o.control,
    live,
    firstEvent,
    transition: o.transition,
    answer: (a: string) => (answer.text = a),
    repair: () => localUp({ home: o.target.home }).then(() => undefined),
  };
  const acting = o.scripted ? (o.perform ?? performScripted)(step.trainee, { ...context, step, index }) : Promise.resolve();
  acting.catch((e) => {
    failure = toBatonError(e);
  });
  const timeoutMs = o.stepTimeoutMs ?? (o.scripted ? 120_000 : 0);
  let reason: string | undefined;
  try {
    await waitUntilDone({
      done: step.done,
      look: async () => ({ view: await live.view(), events: live.events.slice(firstEvent) }),
      answer,
      // a person answers the step's question (if it asks one) while the condition is watched
      ask: !o.scripted && o.io.ask ? (question, signal) => o.io.ask!(question, signal) : undefined,
      say: (text) => o.io.say(text),
      pollMs: POLL_MS,
      check: () => {
        if (failure) throw failure;
        if (o.signal?.aborted) throw new BatonError('UNAVAILABLE', 'stopped by the trainee', { where: step.title });
        if (timeoutMs && Date.now() - t0 > timeoutMs) {
          throw new BatonError(
            'TIMEOUT',
            `step ${index + 1} (${step.title}) not done after ${Math.round(timeoutMs / 1000)} s: waiting for ${describe(step.done)}`,
            { where: step.title },
          );
        }
      },
    });
    report.completed = true;
    await acting.catch(() => undefined);
    await o.onStep?.('done', index, step);
    o.io.say(`done: ${step.title} (${Math.round((Date.now() - t0) / 100) / 10} s)`);
    o.io.notice?.({ kind: 'step-done', index, durationMs: Date.now() - t0 });
  } catch (e) {
    reason = toBatonError(e).message;
  } finally {
    for (const t of timers) clearTimeout(t);
    report.durationMs = Date.now() - t0;
  }
  return { report, window: { fromMs: t0, toMs: Date.now() }, reason };
}

export type { WrongAction };
