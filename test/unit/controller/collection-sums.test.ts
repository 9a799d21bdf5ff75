// Past the task label limit, a task's cpu and memory are summed per collection (the role path
// with its numbers as `*`): the groups are kept per environment, the sums are over the tasks
// that are included and launched, and a collection with none of those has no series.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createWorkflowLoader } from '../../../core/workflow/index.js';
import { EnvRuntime } from '../../../core/controller/model/env.js';
import { collectionSums, taskCollections } from '../../../core/controller/metrics/collections.js';
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

  env.tasks.forEach((t, i) => {
    t.launched = true;
    t.cpu = 10 * (i + 1);
    t.rss = 1000 * (i + 1);
  });
  env.tasks[4]!.launched = false; // exited
  env.tasks[3]!.included = false; // excluded
  assert.deepEqual(collectionSums(env), [{ label: groups[0]!.label, cpu: 10 + 20 + 30, rss: 1000 + 2000 + 3000 }]);
});
