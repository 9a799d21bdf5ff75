// The controller's entry-point contract (docs/architecture.md, "Entry points").
import type { WorkflowLoader } from '../workflow/types.js';

export interface ControllerOptions {
  home: string;
  listen: string;
  token?: string;
  /** agent addresses to dial (besides the nodes stored from earlier runs) */
  agents?: string[];
  templateRepos?: string[];
  defaultTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  /** embedders and tests: a workflow loader instead of createWorkflowLoader over templateRepos */
  loader?: WorkflowLoader;
  /** environments with more tasks than this get task.state summaries per agent batch (default 10000) */
  taskEventLimit?: number;
}

export interface ControllerHandle {
  id: string;
  address: string;
  stop(): Promise<void>;
}

export const DEFAULTS = {
  defaultTimeoutMs: 30_000,
  heartbeatTimeoutMs: 3_500,
  taskEventLimit: 10_000,
  subscriberMaxQueued: 20_000,
};
