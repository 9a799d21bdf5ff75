// A worker thread that lints and expands templates for the controller (pool.ts), so that a
// large or hostile template costs this thread's time, not the controller's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { BatonError } from '../../model/errors.js';
import { createWorkflowLoader, type WorkflowLoaderOptions } from '../../workflow/index.js';
import type { WorkflowJob, WorkflowJobReply } from './protocol.js';

const loader = createWorkflowLoader(workerData as WorkflowLoaderOptions);

async function run(job: WorkflowJob): Promise<unknown> {
  switch (job.op) {
    case 'lint': return loader.lint(job.path, job.content);
    case 'expand': return loader.expand(job.workflow, job.vars, job.origin);
  }
}

parentPort!.on('message', (job: WorkflowJob) => {
  run(job).then(
    (value) => parentPort!.postMessage({ id: job.id, ok: true, value } satisfies WorkflowJobReply),
    (e: unknown) => {
      const error = e instanceof BatonError
        ? e.detail
        : { code: 'INTERNAL', message: `${job.op}: ${(e as Error)?.message ?? String(e)}` };
      parentPort!.postMessage({ id: job.id, ok: false, error } satisfies WorkflowJobReply);
    },
  );
});
