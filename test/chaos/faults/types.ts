// The contract of a fault family: inject one fault into the loop's environment (between
// transitions, or inside one), and say what was done and what the checks must expect.
import type { EnvLoop } from '../env-loop.js';
import type { Random } from '../random.js';
import type { CheckName } from '../results.js';
import type { ChaosStack, StackTimes } from '../stack.js';
import type { RunEvents } from '../run-events.js';

export interface FaultContext {
  stack: ChaosStack;
  loop: EnvLoop;
  rng: Random;
  times: StackTimes;
  events: RunEvents;
}

export interface FaultReport {
  injected: boolean;
  inside: boolean;
  detail: string;
  /** when the fault's effect was complete (the kill sent, the process back, the signal lifted) */
  effectAt: number;
  /** a run open before the fault that must still be open after it (agent back within the grace) */
  runToKeep?: number;
  /** the controller was restarted: every environment is checked */
  global?: boolean;
  /** failures the fault saw itself (e.g. a failing hook not reported) */
  failures?: { check: CheckName; detail: string }[];
  /** counted per family in the results (e.g. "stop 1-2 s") */
  note?: string;
  /** undone after the state checks, before the operator brings the environment back */
  afterChecks?: () => Promise<void>;
}

export type Fault = (ctx: FaultContext) => Promise<FaultReport>;
