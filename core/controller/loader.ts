// The default workflow loader: createWorkflowLoader over the template repos (the shipped assets/
// when none are given).
import path from 'node:path';
import type { WorkflowLoader } from '../workflow/types.js';
import { createWorkflowLoader } from '../workflow/index.js';

export function defaultLoader(root: string, repos: string[] | undefined): WorkflowLoader {
  return createWorkflowLoader({
    repos: repos?.length ? repos : [path.join(root, 'assets')],
    batonRoot: root,
  });
}
