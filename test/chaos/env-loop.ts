// One environment driven by its own loop: created, deployed and brought to the state a fault
// wants, and brought back by an "operator" after it (RUNNING or DONE, at most one RECOVER).
import type { Environment } from '../../core/rpc/gen/control.js';
import { BatonError } from '../../core/model/errors.js';
import { getEnvironment, transition, unary, type TransitionResult } from './client.js';
import type { ChaosStack } from './stack.js';
import { type Random, sleep } from './random.js';

export type LoopKind = 'daq' | 'plain';
export type RestState = 'DEPLOYED' | 'CONFIGURED' | 'RUNNING';

/** the next transition on the way from a state to a target */
function nextStep(state: string, target: RestState): string | null {
  if (state === target) return null;
  switch (state) {
    case 'STANDBY':
      return 'DEPLOY';
    case 'DEPLOYED':
      return 'CONFIGURE';
    case 'CONFIGURED':
      return target === 'DEPLOYED' ? 'RESET' : 'START_ACTIVITY';
    case 'RUNNING':
      return 'STOP_ACTIVITY';
    case 'ERROR':
      return 'RECOVER';
    default:
      return null;
  }
}

export interface OperatorResult {
  ok: boolean;
  state: string;
  recovers: number;
  steps: string[];
  why?: string;
}

export class EnvLoop {
  envId = '';
  /** the slow task's answer delay in the current environment (plain only) */
  slowMs = 0;
  /** run numbers this loop was given (START_ACTIVITY replies): each must be in ListRuns */
  readonly announcedRuns = new Set<number>();

  constructor(
    readonly kind: LoopKind,
    /** the agents this loop's environments are placed on (their pool label) */
    readonly agentNames: string[],
    readonly pool: string,
    readonly stack: ChaosStack,
    readonly rng: Random,
  ) {}

  get workflow(): string {
    return this.kind === 'daq' ? 'daq-chain' : 'chaos-plain';
  }

  async env(): Promise<Environment> {
    return getEnvironment(this.stack.client, this.envId);
  }

  /** a transition; a refusal because something is under way (BUSY, a node away) is waited out */
  async step(name: string, timeoutMs = 30_000): Promise<TransitionResult> {
    for (let attempt = 0; ; attempt++) {
      const r = await transition(this.stack.client, this.envId, name, timeoutMs);
      if (r.ok && r.runNumber) this.announcedRuns.add(r.runNumber);
      const retry = !r.ok && ['BUSY', 'UNAVAILABLE', 'STREAM'].includes(r.error?.code ?? '') && attempt < 40;
      if (!retry) return r;
      await this.settle(20_000).catch(() => undefined);
    }
  }

  /** a new environment (the old one, DONE or not, destroyed first), left in STANDBY */
  async create(): Promise<void> {
    if (this.envId) {
      await unary(this.stack.client, 'destroyEnvironment', { id: this.envId, force: false }, 60_000).catch(() => undefined);
    }
    this.slowMs = this.kind === 'plain' ? this.rng.int(50, 400) : 0;
    const vars: Record<string, string> =
      this.kind === 'daq' ? { readouts: '2', rate: '20', payload_bytes: '64' } : { slow_ms: String(this.slowMs), pool: this.pool };
    const env = await unary<object, Environment>(this.stack.client, 'createEnvironment', {
      workflow: this.workflow,
      vars,
      repo: '',
      revision: '',
      owner: 'chaos',
      autoDeploy: false,
    });
    this.envId = env.id;
  }

  /** waits until no transition is under way and no node of it is away; returns it */
  async settle(boundMs: number): Promise<Environment> {
    const until = Date.now() + boundMs;
    let last: Environment | null = null;
    let lastError: unknown = null;
    for (;;) {
      try {
        last = await this.env();
        if (!last.transition && last.unreachableNodes.length === 0) return last;
      } catch (e) {
        if (e instanceof BatonError && e.code === 'NOT_FOUND') throw e;
        lastError = e;
      }
      if (Date.now() > until) {
        const what = last ? `${last.state}, transition "${last.transition}", unreachable [${last.unreachableNodes.join(', ')}]` : String(lastError);
        throw new Error(`environment ${this.envId} not at rest after ${boundMs} ms: ${what}`);
      }
      await sleep(100);
    }
  }

  /** to a state at rest, from wherever it is (a new environment if it is DONE or gone) */
  async reach(target: RestState | 'STANDBY'): Promise<Environment> {
    if (!this.envId) await this.create();
    let env = await this.settle(30_000).catch(async (e) => {
      if (e instanceof BatonError && e.code === 'NOT_FOUND') {
        await this.create();
        return this.env();
      }
      throw e;
    });
    if (target === 'STANDBY' || env.state === 'DONE') {
      await this.create();
      env = await this.env();
      if (target === 'STANDBY') return env;
    }
    for (let i = 0; i < 8; i++) {
      const step = nextStep(env.state, target);
      if (!step) return env;
      const r = await this.step(step);
      if (!r.ok && env.state === 'ERROR' && step === 'RECOVER') throw new Error(`RECOVER failed while setting up: ${r.error?.message}`);
      env = await this.settle(30_000);
    }
    if (env.state !== target) throw new Error(`could not bring ${this.envId} to ${target}: it is ${env.state}`);
    return env;
  }

  /**
   * The operator after a fault: from whatever state, back to RUNNING (or DONE, for an EXIT that
   * went through), with at most one RECOVER. Transitions refused because something is under way
   * are waited out, not counted.
   */
  async operator(): Promise<OperatorResult> {
    const steps: string[] = [];
    let recovers = 0;
    let env = await this.settle(60_000);
    for (let i = 0; i < 10; i++) {
      if (env.state === 'RUNNING' || env.state === 'DONE') return { ok: true, state: env.state, recovers, steps };
      const step = nextStep(env.state, 'RUNNING');
      if (!step) return { ok: false, state: env.state, recovers, steps, why: `no way on from ${env.state}` };
      if (step === 'RECOVER') {
        if (recovers >= 1)
          return { ok: false, state: env.state, recovers, steps, why: `a second RECOVER was needed (${env.error?.code}: ${env.error?.message})` };
        recovers++;
      }
      const r = await this.step(step, 60_000);
      steps.push(`${step}:${r.ok ? 'ok' : `${r.error?.code} ${r.error?.message}`}`);
      env = await this.settle(60_000);
    }
    return { ok: false, state: env.state, recovers, steps, why: 'did not get back within 10 steps' };
  }
}
