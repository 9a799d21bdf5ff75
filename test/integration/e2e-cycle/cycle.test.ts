// The full state-machine cycle through the real CLI, real agents, real task processes:
// DEPLOY, CONFIGURE, START_ACTIVITY, STOP_ACTIVITY, START_ACTIVITY (a new, higher run number),
// STOP_ACTIVITY, RESET, EXIT, on `quick` and on `daq-chain`.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { logsOf, type LocalStack } from '../cli/harness.js';
import { alive, control, show, TASK_STATE_FOR, type EnvDoc, type RunDoc, sharedStack } from './common.js';

const CYCLE: [string, string][] = [
  ['DEPLOY', 'DEPLOYED'],
  ['CONFIGURE', 'CONFIGURED'],
  ['START_ACTIVITY', 'RUNNING'],
  ['STOP_ACTIVITY', 'CONFIGURED'],
  ['START_ACTIVITY', 'RUNNING'],
  ['STOP_ACTIVITY', 'CONFIGURED'],
  ['RESET', 'DEPLOYED'],
  ['EXIT', 'DONE'],
];

async function fullCycle(stack: LocalStack, workflow: string, vars: string[], expectTasks: string[]): Promise<void> {
  const created = await stack.json<EnvDoc>(['env', 'create', workflow, ...vars.flatMap((v) => ['--var', v])]);
  assert.equal(created.state, 'STANDBY');
  assert.equal(created.runNumber, null);
  assert.equal(created.workflow, workflow);
  const id = created.id;
  const runs: number[] = [];
  let pids: number[] = [];
  for (const [transition, want] of CYCLE) {
    await control(stack, id, transition);
    const e = await show(stack, id);
    assert.equal(e.state, want, `${workflow}: after ${transition}`);
    if (want === 'RUNNING') {
      assert.equal(typeof e.runNumber, 'number', `${workflow}: a run number while RUNNING`);
      runs.push(e.runNumber!);
    } else {
      assert.equal(e.runNumber, null, `${workflow}: no run number when ${want}`);
    }
    if (TASK_STATE_FOR[want]) {
      assert.deepEqual(e.tasks.map((t) => t.name).sort(), [...expectTasks].sort());
      for (const t of e.tasks) {
        assert.equal(t.state, TASK_STATE_FOR[want], `${workflow}: task ${t.name} after ${transition}`);
        assert.ok(t.node, `${t.name} is placed on a node`);
        assert.ok(alive(t.pid), `${t.name} (pid ${t.pid}) runs`);
      }
      pids = e.tasks.map((t) => t.pid!);
    }
    if (want === 'DONE') {
      for (const t of e.tasks) assert.ok(['DONE', 'STANDBY'].includes(t.state) || !t.pid, `${t.name} after EXIT: ${t.state}`);
    }
  }
  assert.equal(runs.length, 2);
  assert.ok(runs[1]! > runs[0]!, `the second run number ${runs[1]} is higher than the first ${runs[0]}`);
  const history = await stack.json<RunDoc[]>(['run', 'list', '--env', id]);
  for (const n of runs) {
    const r = history.find((x) => x.runNumber === n);
    assert.ok(r, `run ${n} is in the history`);
    assert.equal(r.state, 'closed');
  }
  // EXIT stops the processes (graded kill): none of them is left
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(pids.filter(alive), [], 'no task process is left after EXIT');
}

describe('the full cycle through the CLI', () => {
  const stackOf = sharedStack('local down leaves no process');
  let stack: LocalStack;
  before(() => {
    stack = stackOf();
  });

  test('quick: DEPLOY .. EXIT with two runs', async () => {
    try {
      await fullCycle(stack, 'quick', [], ['alpha', 'beta', 'gamma']);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${logsOf(stack.home)}`);
    }
  });

  test('daq-chain (3 readouts): DEPLOY .. EXIT with two runs', async () => {
    try {
      await fullCycle(stack, 'daq-chain', ['readouts=3'], ['readout-0', 'readout-1', 'readout-2', 'builder', 'qc', 'sink']);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${logsOf(stack.home)}`);
    }
  });
});
