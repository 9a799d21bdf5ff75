// Why this exists: V8 optimizes a function (Turbofan, ~0.5-1 ms of compiling) once it has run
// through its "interrupt budget" of bytecode a few times. The tasks of an environment are often
// the same program, started together and sent the same messages, so they reach that point for the
// same function in the same transition. On the latency benchmark (100 demo tasks, 2 cores),
// --trace-opt showed the SDK's Reader.varint optimized in transition 191 in 83 of the tasks, Reader.tag
// in transition 243 in 90, Node's FastBuffer in 136 in all 100, and so on: each a 50-90 ms spike in
// one transition, in every run. Giving each process its own budget, from half to one and a half
// times V8's default, spreads each of those compiles over a range of transitions: the same work,
// no longer all at once.
//
// A function takes the budget when its feedback is allocated (its first calls) and each time it
// has used it up; so this must run before the SDK's own code does (runTask calls it first). The
// functions Node ran while starting keep the default until their first check: for those,
// jitterNodeHelpers below.
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';

/**
 * V8's default --interrupt-budget by V8 major version: only where this was measured (V8 11, in
 * Node 20). Newer V8s tier up through Maglev with budgets of their own; there this does nothing.
 */
const DEFAULT_BUDGET: Record<string, number> = { '11': 66 * 1024 };

/**
 * Sets this process's interrupt budget to a random 0.5-1.5 times V8's default and returns it, or
 * returns 0 and changes nothing on a V8 whose default is not known here.
 */
export function jitterTierUp(random: () => number = Math.random, v8Version = process.versions.v8): number {
  const base = DEFAULT_BUDGET[v8Version.split('.')[0]!];
  if (!base) return 0;
  const budget = Math.round(base * (0.5 + random()));
  setFlagsFromString(`--interrupt-budget=${budget}`);
  return budget;
}

/**
 * How many calls each helper is given at most: about what a demo task still had to make to reach
 * its tier-up when it started (--trace-opt on the latency benchmark's tasks: FastBuffer ~1,400
 * buffers, the validator wrapper ~400 checks). Up to that, a random count spreads the tier-up
 * over the transitions before the one it fell on, and the compile itself is not brought forward
 * to start-up, where it would cost every task's DEPLOY (4,000 of each cost a task 6-8 cpu-ms).
 */
export const HELPER_CALLS = { buffers: 1500, validations: 400 };

/**
 * Node's own hot helpers ran while Node started, before jitterTierUp could give them a budget
 * of their own, so they tier up at the same transition in every task of an environment. Measured
 * on the latency benchmark (100 demo tasks, --trace-opt): Buffer's FastBuffer constructor in
 * transition 103 and the validator wrapper (wrappedFn, behind path, fs and Buffer checks) in
 * transition 65, in all 100 tasks, each a ~65 ms spike. Calling each a random number of times
 * once the task is welcomed (runTask) gives every task its own transition for them. Returns the
 * number of calls made.
 */
export function jitterNodeHelpers(random: () => number = Math.random): { buffers: number; validations: number } {
  const buffers = Math.floor(random() * HELPER_CALLS.buffers);
  for (let i = 0; i < buffers; i++) Buffer.allocUnsafe(8);
  const validations = Math.floor(random() * HELPER_CALLS.validations);
  for (let i = 0; i < validations; i++) path.basename('a/b');
  return { buffers, validations };
}
