// The messages between the controller and its workflow workers (workflow-worker.ts).
import type { ErrorDetailLike } from '../../model/errors.js';

export type WorkflowJob =
  | { id: number; op: 'lint'; path: string; content?: string }
  | { id: number; op: 'expand'; workflow: string; vars: Record<string, string>; origin: { repo?: string; revision?: string } };

export type WorkflowJobReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ErrorDetailLike };
