// A large create does not hold the controller's thread: its decode, task records, placement and
// task index go in slices with a turn of the event loop between them, so the controller keeps answering
// its RPCs (and its agents' heartbeats) while it builds 200,000 tasks.
//
// The expansion is made before the test by the in-process loader and handed to the controller
// through the same codec the workflow worker's result crosses (workers/expansion-codec.ts): the
// worker thread's own time is not on the controller's thread and is left out, so every GetInfo
// counted below was answered during the create's work on that thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createWorkflowLoader } from '../../../core/workflow/index.js';
import type { WorkflowLoader } from '../../../core/workflow/types.js';
import { decodeExpansion, encodeExpansion } from '../../../core/controller/workers/expansion-codec.js';
import { call, createEnv, ROOT, startStack } from './harness.js';
import type { ListNodesReply } from '../../../core/rpc/gen/control.js';

const TASKS = 200_000;

test(`the controller answers GetInfo while it creates ${TASKS} tasks`, { timeout: 300_000 }, async (t) => {
  const direct = createWorkflowLoader({ repos: [path.join(ROOT, 'assets')], batonRoot: ROOT });
  const bytes = encodeExpansion(await direct.expand('sim-farm', { tasks: String(TASKS) }));
  let decoding = false;
  const loader: WorkflowLoader = {
    list: (repo) => direct.list(repo),
    lint: (file, content) => direct.lint(file, content),
    expand: async () => {
      decoding = true;
      return decodeExpansion(bytes);
    },
  };
  const stack = await startStack({ simAgents: 2, controller: { loader } });
  t.after(() => stack.stop());
  const c = stack.client;

  let created = false;
  const creating = createEnv(c, 'sim-farm', { tasks: String(TASKS) }).finally(() => {
    created = true;
  });
  // one GetInfo after another until the create answers: each needs the controller's event loop
  let answeredDuringCreate = 0;
  while (!created) {
    await call(c, 'getInfo', {});
    if (decoding && !created) answeredDuringCreate++;
  }
  const env = await creating;
  assert.equal(env.counts?.total, TASKS);
  // with the decode, records and index each in one stretch it answered 2 (between its steps); in
  // slices of 20,000 tasks, 12 on this machine: 6 leaves room for scheduling, not for a stretch
  assert.ok(answeredDuringCreate >= 6, `GetInfo answered ${answeredDuringCreate} times during the create`);
  // placed a slice at a time, yet spread as one placement would: half the tasks on each agent
  const { nodes } = await call<object, ListNodesReply>(c, 'listNodes', {});
  assert.deepEqual(
    nodes.map((n) => n.tasks),
    [TASKS / 2, TASKS / 2],
  );
});
