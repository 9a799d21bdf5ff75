// A WorkflowLoader whose lint and expand run in worker threads (pool.ts); list stays here (it
// reads only the repos' var specs, small and bounded).
import type { WorkflowLoader, ExpandedWorkflow, Diagnostic } from '../../workflow/types.js';
import { createWorkflowLoader, type WorkflowLoaderOptions } from '../../workflow/index.js';
import { WorkflowPool } from './pool.js';
import type { PlaceNode } from '../scheduler.js';
import { decodeExpansion } from './expansion-codec.js';

/** The longest a lint may take (a real template lints in milliseconds). */
export const LINT_TIMEOUT_MS = 30_000;
/** The longest an expansion may take (a million sim tasks expand in well under this). */
export const EXPAND_TIMEOUT_MS = 300_000;

/** A loader that can also render (RenderTemplate) off the event loop. */
export interface WorkerLoader extends WorkflowLoader {
  /** RenderTemplate's reply, already encoded (RenderTemplateReply bytes) */
  renderReply(workflow: string, vars: Record<string, string>, origin: { repo?: string; revision?: string }, nodes: PlaceNode[]): Promise<Uint8Array>;
  close(): Promise<void>;
}

export function isWorkerLoader(loader: WorkflowLoader): loader is WorkerLoader {
  return typeof (loader as Partial<WorkerLoader>).renderReply === 'function';
}

export function workerLoader(opts: WorkflowLoaderOptions): WorkerLoader {
  const local = createWorkflowLoader(opts);
  const pool = new WorkflowPool({ loader: opts });
  return {
    list: (repo) => local.list(repo),
    expand: async (workflow, vars, origin): Promise<ExpandedWorkflow> =>
      decodeExpansion((await pool.run({ op: 'expand', workflow, vars: vars ?? {}, origin: origin ?? {} }, EXPAND_TIMEOUT_MS)) as Uint8Array),
    lint: async (path, content) => (await pool.run({ op: 'lint', path, content }, LINT_TIMEOUT_MS)) as Diagnostic[],
    renderReply: async (workflow, vars, origin, nodes) =>
      (await pool.run({ op: 'render', workflow, vars: vars ?? {}, origin, nodes }, EXPAND_TIMEOUT_MS)) as Uint8Array,
    close: () => pool.close(),
  };
}
