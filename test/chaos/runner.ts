// The chaos run: a stack, one loop per environment (one daq-chain, two plain-process), each
// drawing faults and checking after each; a controller kill stops the other loops. Bounded by a
// count of faults and a time limit; everything it started is killed at the end, whatever happened.
import type { Environment } from '../../core/rpc/gen/control.js';
import { loadavg } from '../bench/machine.js';
import { afterFault, orphanCheck, runCheck, type CheckContext } from './checks/after-fault.js';
import { snapshot } from './checks/snapshot.js';
import { describeProcess } from './checks/orphans.js';
import { listEnvironments, transition, unary } from './client.js';
import { EnvLoop } from './env-loop.js';
import { EXCLUSIVE, FAULTS, weightsFor, type Family } from './faults/index.js';
import { LongStopSchedule } from './faults/agent-long-stop.js';
import { FaultLock } from './lock.js';
import { nodesBack } from './nodes-back.js';
import { killAll, scanTagged } from './proc-scan.js';
import { Random, sleep } from './random.js';
import { buildResults, Recorder, type ChaosResults } from './results.js';
import { RunEvents } from './run-events.js';
import { ChaosStack, FULL_DISK_AGENT, type StackTimes } from './stack.js';

export interface ChaosOptions {
  count: number;
  timeLimitMs: number;
  seed: number;
  times: StackTimes;
  command: string;
  /** print a line per fault */
  verbose?: boolean;
  /** SIGSTOPs of 13.5-40 s on one loop, spread over the run (agent-long-stop.ts); 0: none */
  longStops?: number;
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResults> {
  const recorder = new Recorder();
  const loadStart = loadavg();
  const deadline = Date.now() + o.timeLimitMs;
  const stack = await ChaosStack.start(o.times);
  const events = new RunEvents(stack);
  const lock = new FaultLock();
  const rng = new Random(o.seed);
  const loops = [
    new EnvLoop('daq', ['daq-1', 'daq-2'], 'daq', stack, new Random(rng.int(1, 2 ** 31))),
    new EnvLoop('plain', ['plain-1'], 'plain-1', stack, new Random(rng.int(1, 2 ** 31))),
    new EnvLoop('plain', ['plain-2'], 'plain-2', stack, new Random(rng.int(1, 2 ** 31))),
  ];
  let stopping = false;
  const more = () => !stopping && recorder.faults < o.count && Date.now() < deadline;
  const onSignal = () => {
    stopping = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let timedOut = false;
  try {
    events.ensure();
    // the long stops come on the last plain loop (not the full-disk one), on their own schedule
    const longStopLoop = loops[loops.length - 1]!;
    const longStops = new LongStopSchedule(o.longStops ?? 0, o.count);
    const only = process.env.CHAOS_ONLY;
    await Promise.all(
      loops.map(async (loop) => {
        const weights: Partial<Record<Family, number>> =
          only === 'agent-long-stop'
            ? loop === longStopLoop
              ? { 'agent-long-stop': 1 }
              : {}
            : weightsFor(loop.kind, stack.logDisk.real && loop.agentNames.includes(FULL_DISK_AGENT), only);
        if (!Object.keys(weights).length) return;
        const c: CheckContext = { stack, loop, events, recorder, loops };
        let setupFailures = 0;
        while (more()) {
          const family = loop === longStopLoop && longStops.due(recorder.faults) ? 'agent-long-stop' : loop.rng.weighted<Family>(weights);
          const body = () => (more() ? iteration(c, family, o, loops) : Promise.resolve(true));
          const injected = await (EXCLUSIVE.has(family) ? lock.exclusive(body) : lock.shared(body));
          setupFailures = injected ? 0 : setupFailures + 1;
          if (setupFailures >= 10) {
            recorder.notes.push(`the ${loop.kind} loop on ${loop.agentNames.join('+')} stopped: 10 faults in a row could not be set up`);
            break;
          }
        }
      }),
    );
    timedOut = recorder.faults < o.count && !stopping;
    if (timedOut) recorder.notes.push(`stopped at the time limit (${o.timeLimitMs} ms) after ${recorder.faults} faults`);
    await finalChecks(stack, recorder, events, loops);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    events.stop();
    await stack.destroy();
    const left = scanTagged(stack.tag);
    if (left.size) {
      for (const p of left.values()) recorder.fail(recorder.faults, 'final', 'orphan', `left after the stack was stopped: ${describeProcess(p)}`);
      killAll(left.keys());
    }
    if (process.env.CHAOS_KEEP) console.error(`chaos: home kept at ${stack.home}`);
    else stack.removeHome();
  }
  return buildResults(recorder, {
    command: o.command,
    seed: o.seed,
    options: {
      count: o.count,
      timeLimitMs: o.timeLimitMs,
      ...o.times,
      longStops: o.longStops ?? 0,
      loops: loops.map((l) => `${l.kind} on ${l.agentNames.join('+')}`),
    },
    logDisk: { real: stack.logDisk.real, how: stack.logDisk.how },
    loadStart,
  });
}

const PROGRESS_EVERY = 50;
/** how long a node may take to be up again after a fault (agent restarted, SIGCONT) */
const NODE_RETURN_MS = 30_000;

/** one fault and its checks; false when the fault could not be set up */
async function iteration(c: CheckContext, family: Family, o: ChaosOptions, loops: EnvLoop[]): Promise<boolean> {
  const { recorder, loop, stack, events } = c;
  const before = new Map<string, Environment>();
  if (EXCLUSIVE.has(family)) for (const l of loops) if (l.envId) before.set(l.envId, await l.env().catch(() => null as unknown as Environment));
  for (const [k, v] of before) if (!v) before.delete(k);
  const away = await nodesBack(stack.client, loop.agentNames, NODE_RETURN_MS);
  if (away.length) recorder.fail(recorder.faults, family, 'node-return', `${away.join(', ')} not up ${NODE_RETURN_MS / 1000} s after the last fault`);
  let report;
  try {
    report = await FAULTS[family]({ stack, loop, rng: loop.rng, times: o.times, events });
  } catch (e) {
    // the set-up before the fault failed: that is a finding too (the operator could not get there)
    recorder.fail(recorder.faults, family, 'harness', `setting up ${family} on ${loop.envId}: ${(e as Error).message}`);
    await loop.create().catch(() => undefined);
    return false;
  }
  if (!report.injected) return true;
  const n = recorder.fault(family, report.inside);
  if (report.note) recorder.note(family, report.note);
  for (const f of report.failures ?? []) recorder.fail(n, family, f.check, `${f.detail} [${report.detail}]`);
  if (o.verbose) console.log(`chaos: fault ${n} ${family} on ${loop.envId}: ${report.detail}`);
  else if (n % PROGRESS_EVERY === 0) {
    // a long run says how far it is (a line every PROGRESS_EVERY faults)
    const minutes = ((Date.now() - recorder.started) / 60_000).toFixed(1);
    console.log(`chaos: ${n}/${o.count} faults, ${recorder.failures.length} failures, ${minutes} min`);
  }
  try {
    await afterFault(c, n, family, report, before);
  } catch (e) {
    recorder.fail(n, family, 'harness', `checking after ${report.detail}: ${(e as Error).message}`);
  }
  return true;
}

/** every environment ended and destroyed; then nothing of the run may be left but the stack */
async function finalChecks(stack: ChaosStack, recorder: Recorder, events: RunEvents, loops: EnvLoop[]): Promise<void> {
  const c: CheckContext = { stack, loop: loops[0]!, events, recorder, loops };
  try {
    await runCheck(c, recorder.faults, 'final');
    for (const env of await listEnvironments(stack.client)) {
      if (env.state !== 'DONE') await transition(stack.client, env.id, 'EXIT', 60_000);
      await unary(stack.client, 'destroyEnvironment', { id: env.id, force: false }, 60_000).catch(() => undefined);
    }
    await sleep(1000);
    const s = await snapshot(stack);
    if (s.envs.length)
      recorder.fail(recorder.faults, 'final', 'harness', `environments left after the destroy: ${s.envs.map((e) => `${e.id} ${e.state}`).join(', ')}`);
    await orphanCheck(c, recorder.faults, 'final');
  } catch (e) {
    recorder.fail(recorder.faults, 'final', 'harness', `final checks: ${(e as Error).message}`);
  }
}
