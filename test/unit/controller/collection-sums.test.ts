// Past the task label limit, a task's cpu and memory are summed per collection (the role path
// with its numbers as `*`): the groups are kept per environment, the sums are over the tasks
// that are included and launched, and a collection with none of those has no series.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createWorkflowLoader } from '../../../core/workflow/index.js';
import { EnvRuntime } from '../../../core/controller/model/env.js';
import { collectionSums, noteTaskMetrics, taskCollections } from '../../../core/controller/metrics/collections.js';
import { PACKAGE_ROOT } from '../../bench/stack.js';

const loader = createWorkflowLoader({ repos: [path.join(PACKAGE_ROOT, 'assets')], batonRoot: PACKAGE_ROOT });

async function simFarm(tasks: number): Promise<EnvRuntime> {
  const expanded = await loader.expand('sim-farm', { tasks: String(tasks) });
  const init = { id: 'env-sums', name: '', workflow: 'sim-farm', state: 'STANDBY' as const, runNumber: null, owner: '', createdMs: 0, updatedMs: 0 };
  return new EnvRuntime({ ...init, vars: {}, repo: '', revision: '', error: null }, expanded);
}

test('tasks are summed per collection over the included, launched ones', async () => {
  const env = await simFarm(5);
  const groups = taskCollections(env);
  assert.equal(groups.length, 1, `one collection: ${groups.map((g) => g.label).join(', ')}`);
  assert.equal(groups[0]!.tasks.length, 5);
  assert.equal(taskCollections(env), groups, 'kept, not rebuilt');
  assert.deepEqual(collectionSums(env), [], 'nothing launched: no series');

  // launched, with the figures a heartbeat brings (as agents/pool.ts sets and notes them)
  env.tasks.forEach((t, i) => {
    t.launched = true;
    t.cpu = 10 * (i + 1);
    t.rss = 1000 * (i + 1);
    noteTaskMetrics(t);
  });
  env.tasks[4]!.launched = false; // exited
  env.tasks[3]!.included = false; // excluded
  assert.deepEqual(collectionSums(env), [{ label: groups[0]!.label, cpu: 10 + 20 + 30, rss: 1000 + 2000 + 3000 }]);
});

test('a collection whose tasks report no metrics has its series at 0 while one of them is launched', async () => {
  const env = await simFarm(4);
  const label = taskCollections(env)[0]!.label;
  env.tasks[0]!.launched = true;
  assert.deepEqual(collectionSums(env), [{ label, cpu: 0, rss: 0 }]);
  // the task it found exits and another is launched: found all the same
  env.tasks[0]!.launched = false;
  env.tasks[2]!.launched = true;
  assert.deepEqual(collectionSums(env), [{ label, cpu: 0, rss: 0 }]);
  env.tasks[2]!.launched = false;
  assert.deepEqual(collectionSums(env), [], 'none launched: no series');
});
