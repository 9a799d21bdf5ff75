// How an expansion crosses from a workflow worker to the controller's thread: the packed form
// (core/store/pack.ts: each distinct task spec once, then a name per task) as JSON bytes, whose
// buffer is moved, not copied. A structured clone of the expansion itself copied ~11 objects
// per task and rebuilt them all on the controller's thread, in one synchronous stretch (at
// 150,000 tasks longer than the agents' keepalive timeout, which then dropped every session).
// The decoded tasks share their spec's nested objects, as a restored environment's do. An
// iterator's tasks pack to a numbered run (store/pack-runs.ts), a few bytes whatever their count;
// a text with large arrays left (names that are not numbered) is parsed in pieces
// (piecewise-json.ts): in one go it was 2 s of that thread at 1M tasks.
import type { ExpandedWorkflow } from '../../workflow/types.js';
import { packExpanded, rememberPackedText, unpackExpandedInSlices } from '../../store/pack.js';
import { SLICE_TASKS, yieldToLoop } from '../slices.js';
import { readPiecewise, writePiecewise, type Pieces } from './piecewise-json.js';

const NEWLINE = 0x0a;

/**
 * The expansion as bytes in a buffer of their own (transferable): a line of JSON saying where the
 * packed text's large arrays are (piecewise-json.ts), then the packed JSON text itself.
 */
export function encodeExpansion(expanded: ExpandedWorkflow): Uint8Array {
  const { text, pieces } = writePiecewise(packExpanded(expanded));
  // TextEncoder's array always has a buffer of its own (a short Buffer.from shares a pool); JSON
  // text has no raw newline, so the first one ends the line of pieces
  return new TextEncoder().encode(`${JSON.stringify(pieces)}\n${text}`);
}

/**
 * The expansion from the worker's bytes, parsed and unpacked in slices with `pause()` between
 * them (the controller's thread yields): a million tasks are seconds of JSON and objects.
 */
export async function decodeExpansion(bytes: Uint8Array, pause: () => Promise<void> = yieldToLoop): Promise<ExpandedWorkflow> {
  const end = bytes.indexOf(NEWLINE);
  const decoder = new TextDecoder();
  const pieces = JSON.parse(decoder.decode(bytes.subarray(0, end))) as Pieces;
  const text = decoder.decode(bytes.subarray(end + 1));
  const packed = await readPiecewise(text, pieces, SLICE_TASKS, pause);
  await pause();
  const expanded = (await unpackExpandedInSlices(packed, SLICE_TASKS, pause)) as ExpandedWorkflow;
  // the store keeps the packed form: the text is already that (a create stores it unchanged)
  rememberPackedText(expanded, text);
  return expanded;
}
