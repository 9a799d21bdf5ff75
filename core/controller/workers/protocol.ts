// The messages between the controller and its workflow workers (workflow-worker.ts).
import type { ErrorDetailLike } from '../../model/errors.js';
import type { PlaceNode } from '../scheduler.js';

export type WorkflowJob =
  | { id: number; op: 'lint'; path: string; content?: string }
  /** answered with the packed expansion as bytes (expansion-codec.ts) */
  | { id: number; op: 'expand'; workflow: string; vars: Record<string, string>; origin: { repo?: string; revision?: string } }
  /** RenderTemplate's whole answer: the expansion with the placement every task would get on `nodes` */
  | { id: number; op: 'render'; workflow: string; vars: Record<string, string>; origin: { repo?: string; revision?: string }; nodes: PlaceNode[] };

export type WorkflowJobReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ErrorDetailLike };
