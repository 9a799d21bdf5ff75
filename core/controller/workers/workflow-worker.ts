// A worker thread that lints and expands templates for the controller (pool.ts), so that a
// large or hostile template costs this thread's time, not the controller's event loop.
import * as os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { BatonError, isBatonError } from '../../model/errors.js';
import { createWorkflowLoader, renderPlan, type WorkflowLoaderOptions } from '../../workflow/index.js';
import { placeTasks, type PlaceNode } from '../scheduler.js';
import { RenderTemplateReply } from '../../rpc/gen/control.js';
import type { WorkflowJob, WorkflowJobReply } from './protocol.js';
import { encodeExpansion } from './expansion-codec.js';

// Below the controller's own thread: on a busy machine a long lint must not take the cores the
// event loop needs for heartbeats and replies. On Linux a thread's nice value is its own, and
// setpriority(0) names the calling thread; elsewhere this may nice the process or fail, and
// then the worker runs at the controller's priority.
if (process.platform === 'linux') {
  try {
    os.setPriority(0, Math.min(19, os.getPriority(0) + 10));
  } catch {
    /* not allowed: run as is */
  }
}

/** Most tasks RenderTemplate shows (a dry run is read by people; a farm is not). */
export const MAX_RENDER_TASKS = 10_000;

const loader = createWorkflowLoader(workerData as WorkflowLoaderOptions);

async function run(job: WorkflowJob): Promise<unknown> {
  switch (job.op) {
    case 'lint':
      return loader.lint(job.path, job.content);
    case 'expand':
      // packed bytes, moved to the controller's thread (expansion-codec.ts)
      return encodeExpansion(await loader.expand(job.workflow, job.vars, job.origin));
    case 'render':
      return render(job.workflow, job.vars, job.origin, job.nodes);
  }
}

/**
 * RenderTemplate's reply, encoded: the plan as JSON text in a RenderTemplateReply, as bytes whose
 * buffer is moved (not copied) to the controller's thread, which sends them as they are.
 */
async function render(workflow: string, vars: Record<string, string>, origin: { repo?: string; revision?: string }, nodes: PlaceNode[]): Promise<Uint8Array> {
  const expanded = await loader.expand(workflow, vars, origin);
  if (expanded.tasks.length > MAX_RENDER_TASKS) {
    // its JSON would be ~900 bytes a task: 90 MB for 100,000, and seconds of the controller's loop to send
    throw new BatonError(
      'BAD_INPUT',
      `the plan of ${workflow} has ${expanded.tasks.length} tasks (limit render.tasks: at most ${MAX_RENDER_TASKS}): render it with fewer, or create the environment and read it with GetEnvironment`,
      { where: workflow, data: { limit: 'render.tasks', max: String(MAX_RENDER_TASKS), got: String(expanded.tasks.length) } },
    );
  }
  const plan = renderPlan(expanded);
  let placementError: unknown = null;
  try {
    const names = placeTasks(expanded.tasks, nodes);
    expanded.tasks.forEach((t, i) => {
      plan.placements[t.name] = names[i]!;
    });
  } catch (e) {
    if (!isBatonError(e)) throw e;
    placementError = e.detail; // the plan is still worth seeing; the reason it would not place is in it
  }
  const json = JSON.stringify({ ...plan, placementError }, null, 2);
  const encoded = RenderTemplateReply.encode({ json }).finish();
  // a buffer of its own, so that moving it takes nothing else along
  return encoded.byteOffset === 0 && encoded.byteLength === encoded.buffer.byteLength ? encoded : encoded.slice();
}

parentPort!.on('message', (job: WorkflowJob) => {
  run(job).then(
    (value) =>
      parentPort!.postMessage({ id: job.id, ok: true, value } satisfies WorkflowJobReply, value instanceof Uint8Array ? [value.buffer as ArrayBuffer] : []),
    (e: unknown) => {
      const error = e instanceof BatonError ? e.detail : { code: 'INTERNAL', message: `${job.op}: ${(e as Error)?.message ?? String(e)}` };
      parentPort!.postMessage({ id: job.id, ok: false, error } satisfies WorkflowJobReply);
    },
  );
});
