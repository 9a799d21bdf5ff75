// The chaos checks can fail: each one, given a view that lies, names the lie. (The smoke run
// asserts they found nothing; this shows that "nothing" means something.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Environment, Run, Task } from '../../../core/rpc/gen/control.js';
import { contradictions } from '../../chaos/checks/truthful.js';
import { orphans } from '../../chaos/checks/orphans.js';
import { checkRuns } from '../../chaos/checks/runs.js';
import type { Snapshot } from '../../chaos/checks/snapshot.js';
import type { ProcessInfo } from '../../chaos/proc-scan.js';
import type { RunEvents } from '../../chaos/run-events.js';

function task(id: string, state: string, pid: number, extra: Partial<Task> = {}): Task {
  return {
    id,
    name: id.split('/')[1]!,
    state,
    pid,
    critical: true,
    included: true,
    lost: false,
    unreachable: false,
    driver: 'process',
    node: 'n1',
    ...extra,
  } as Task;
}

function env(id: string, state: string, tasks: Task[], extra: Partial<Environment> = {}): Environment {
  return { id, state, tasks, transition: '', unreachableNodes: [], runNumber: state === 'RUNNING' ? 7 : undefined, ...extra } as Environment;
}

function proc(pid: number, taskId: string, pgid = pid): ProcessInfo {
  return { pid, ppid: 1, pgid, state: 'S', taskId, command: 'sleep' };
}

function snap(envs: Environment[], procs: ProcessInfo[], runs: Run[] = []): Snapshot {
  return {
    envs,
    nodes: [{ name: 'n1', up: true, suspect: false }] as Snapshot['nodes'],
    runs,
    procs: new Map(procs.map((p) => [p.pid, p])),
    managed: new Set([99]),
    at: 0,
  };
}

test('truthful: a task said RUNNING whose process is gone, and an environment RUNNING with a task in ERROR', () => {
  const s = snap([env('e1', 'RUNNING', [task('e1/a', 'RUNNING', 101), task('e1/b', 'ERROR', 102)])], [proc(102, 'e1/b')]);
  const c = contradictions(s, null);
  assert.ok(
    c.some((x) => /e1\/a .* is RUNNING but no such process runs/.test(x)),
    c.join('\n'),
  );
  assert.ok(
    c.some((x) => /e1 is RUNNING but its critical task b is ERROR/.test(x)),
    c.join('\n'),
  );
  const ok = snap([env('e1', 'RUNNING', [task('e1/a', 'RUNNING', 101)])], [proc(101, 'e1/a')]);
  assert.deepEqual(contradictions(ok, null), []);
});

test('truthful: DONE with its group still alive; lost while its agent is back and it runs', () => {
  const s = snap(
    [env('e1', 'DONE', [task('e1/a', 'DONE', 101)]), env('e2', 'ERROR', [task('e2/a', 'ERROR', 201, { lost: true })])],
    [proc(101, 'e1/a'), proc(201, 'e2/a')],
  );
  const c = contradictions(s, null);
  assert.ok(
    c.some((x) => /is DONE but its group still runs/.test(x)),
    c.join('\n'),
  );
  assert.ok(
    c.some((x) => /is lost but runs, and its agent is back/.test(x)),
    c.join('\n'),
  );
});

test('orphans: a task process no environment owns, and one whose task has another pid', () => {
  const s = snap([env('e1', 'RUNNING', [task('e1/a', 'RUNNING', 101)])], [proc(101, 'e1/a'), proc(150, 'e1/a'), proc(300, 'gone/x'), proc(301, '', 300)]);
  assert.deepEqual(
    orphans(s)
      .map((p) => p.pid)
      .sort(),
    [150, 300, 301],
  );
});

test('runs: a number started twice, a gap, and a run open on an environment that is not RUNNING', () => {
  const runs = [
    { runNumber: 1, envId: 'e1', state: 'closed', startedMs: 1 },
    { runNumber: 3, envId: 'e1', state: 'open', startedMs: 3 },
  ] as Run[];
  const events = {
    starts: [
      { seq: 1, runNumber: 1, envId: 'e1' },
      { seq: 2, runNumber: 1, envId: 'e2' },
    ],
  } as unknown as RunEvents;
  const f = checkRuns(snap([env('e1', 'CONFIGURED', [task('e1/a', 'CONFIGURED', 101)])], [proc(101, 'e1/a')], runs), events, [5]);
  assert.equal(f.duplicate.length, 1);
  assert.ok(f.lost.some((x) => /no run between 1 and 3/.test(x)));
  assert.ok(f.lost.some((x) => /run 5 given to a client but not stored/.test(x)));
  assert.ok(f.notMonotonic.some((x) => /run.start 1/.test(x)));
  assert.ok(f.openWithoutTasks.some((x) => /run 3 is open but e1 is CONFIGURED/.test(x)));
});
