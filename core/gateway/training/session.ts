// One training session run from the console: the walkthrough runner (core/training/runner.ts) with
// a TrainingIO that records into the session's state instead of printing, and that waits for the
// trainee's answers from the panel. The report is saved like the CLI's (training/reports/). Every
// change of its state is told (as what changed) to the host, which streams it to the pages.
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { BatonError, toBatonError } from '../../model/errors.js';
import type { ControlConnection } from '../../rpc/control-client.js';
import { localFaultTarget } from '../../training/local-stack.js';
import { saveReport, type TrainingReport } from '../../training/report.js';
import { runWalkthrough } from '../../training/runner.js';
import type { Walkthrough } from '../../training/types.js';
import type { SessionChange, TrainingSessionState } from './contract.js';
import { applyEnd, applyNotice, applyQuestion, diffSession, newSessionState } from './session-state.js';

/** Runs one transition to its end; a failed transition throws its structured error. */
export function runTransitionToEnd(control: ControlConnection, envId: string, transition: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let outcome: { ok: boolean; error?: BatonError } | null = null;
    const call = control.stream('controlEnvironment', { id: envId, transition, timeoutMs: 0, args: {} }, { timeoutMs: 16 * 60_000 });
    call.on('data', (p) => {
      if (!p.final) return;
      outcome = p.ok
        ? { ok: true }
        : { ok: false, error: p.error ? BatonError.fromDetail(p.error) : new BatonError('INTERNAL', `${transition} failed`, { envId, transition }) };
    });
    call.on('error', (e) => reject(toBatonError(e)));
    call.on('end', () => {
      if (outcome?.ok) resolve();
      else reject(outcome?.error ?? new BatonError('UNAVAILABLE', `${transition}: the controller ended the call without a result`, { envId, transition }));
    });
  });
}

export class TrainingSession {
  readonly state: TrainingSessionState;
  readonly done: Promise<void>;
  private readonly abort = new AbortController();
  private pendingAnswer: ((answer: string) => void) | null = null;
  private askedInStep = -1;

  constructor(
    readonly walkthrough: Walkthrough,
    trainee: string,
    control: ControlConnection,
    home: string,
    private readonly onChange: (change: SessionChange) => void = () => undefined,
  ) {
    this.state = newSessionState(walkthrough, trainee, randomUUID(), Date.now());
    this.done = this.run(control, home);
  }

  /** Changes the state (one version more) and tells what changed. */
  private update(change: (state: TrainingSessionState) => void): void {
    const before = structuredClone(this.state);
    change(this.state);
    this.state.version += 1;
    this.onChange(diffSession(before, this.state));
  }

  get running(): boolean {
    return this.state.phase !== 'ended';
  }

  private async run(control: ControlConnection, home: string): Promise<void> {
    let report: TrainingReport;
    try {
      report = await runWalkthrough({
        control,
        walkthrough: this.walkthrough,
        target: localFaultTarget(control, home),
        transition: (envId, name) => runTransitionToEnd(control, envId, name),
        io: {
          // the panel shows the structured notices; the printed lines are the terminal's
          say: () => undefined,
          ask: (question, signal) => this.ask(question, signal),
          notice: (n) => this.update((state) => applyNotice(state, n, Date.now())),
        },
        scripted: false,
        trainee: this.state.trainee,
        signal: this.abort.signal,
      });
    } catch (e) {
      // runWalkthrough reports its own failures; this is one before it began (not a training stack)
      const err = toBatonError(e);
      report = {
        walkthrough: this.walkthrough.id,
        title: this.walkthrough.title,
        trainee: this.state.trainee,
        scripted: false,
        envId: '',
        startedMs: this.state.startedMs,
        durationMs: Date.now() - this.state.startedMs,
        outcome: 'failed',
        reason: err.message,
        steps: [],
      };
    }
    if (this.abort.signal.aborted && report.outcome === 'failed') report.outcome = 'stopped';
    let name = '';
    try {
      name = path.basename(saveReport(home, report), '.json');
    } catch (e) {
      report.reason = `${report.reason ? `${report.reason}; ` : ''}the report could not be saved: ${toBatonError(e).message}`;
    }
    this.update((state) => applyEnd(state, report, this.walkthrough.debrief, name, Date.now()));
  }

  private ask(question: string, signal: AbortSignal): Promise<string> {
    const again = this.askedInStep === this.state.current;
    this.askedInStep = this.state.current;
    if (this.abort.signal.aborted || signal.aborted) return Promise.resolve('');
    this.update((state) => applyQuestion(state, question, again, Date.now()));
    return new Promise<string>((resolve) => {
      this.pendingAnswer = resolve;
      // the step no longer needs the answer (another branch of its `any:` held): withdrawn
      signal.addEventListener(
        'abort',
        () => {
          if (this.pendingAnswer !== resolve) return;
          this.pendingAnswer = null;
          if (this.state.question) this.update((state) => void (state.question = ''));
          resolve('');
        },
        { once: true },
      );
    });
  }

  answer(text: string): void {
    if (!this.pendingAnswer) {
      throw new BatonError('BAD_INPUT', `no question is waiting for an answer in step ${this.state.current + 1} of ${this.walkthrough.id}`, {
        where: 'answer',
      });
    }
    const resolve = this.pendingAnswer;
    this.pendingAnswer = null;
    this.update((state) => void (state.question = ''));
    resolve(text);
  }

  /** Stops the walkthrough: the step in progress ends as not done, the environment is destroyed. */
  stop(): void {
    this.abort.abort();
    const resolve = this.pendingAnswer;
    this.pendingAnswer = null;
    resolve?.('');
  }
}
