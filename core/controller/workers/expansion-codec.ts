// How an expansion crosses from a workflow worker to the controller's thread: the packed form
// (core/store/pack.ts: each distinct task spec once, then a name per task) as JSON bytes, whose
// buffer is moved, not copied. A structured clone of the expansion itself copied ~11 objects
// per task and rebuilt them all on the controller's thread, in one synchronous stretch (at
// 150,000 tasks longer than the agents' keepalive timeout, which then dropped every session).
// The decoded tasks share their spec's nested objects, as a restored environment's do.
import type { ExpandedWorkflow } from '../../workflow/types.js';
import { packExpanded, rememberPackedText, unpackExpandedInSlices } from '../../store/pack.js';
import { SLICE_TASKS, yieldToLoop } from '../slices.js';

/** the expansion as packed JSON bytes, in a buffer of their own (transferable) */
export function encodeExpansion(expanded: ExpandedWorkflow): Uint8Array {
  // TextEncoder's array always has a buffer of its own (a short Buffer.from shares a pool)
  return new TextEncoder().encode(JSON.stringify(packExpanded(expanded)));
}

/**
 * The expansion from the worker's bytes. The JSON is parsed in one go (~2 s at a million tasks);
 * its tasks are unpacked in slices with `pause()` between them (the controller's thread yields).
 */
export async function decodeExpansion(bytes: Uint8Array, pause: () => Promise<void> = yieldToLoop): Promise<ExpandedWorkflow> {
  const text = new TextDecoder().decode(bytes);
  const packed: unknown = JSON.parse(text);
  await pause();
  const expanded = (await unpackExpandedInSlices(packed, SLICE_TASKS, pause)) as ExpandedWorkflow;
  // the store keeps the packed form: the text is already that (a create stores it unchanged)
  rememberPackedText(expanded, text);
  return expanded;
}
