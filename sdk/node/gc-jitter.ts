// Why this exists: the tasks of an environment are often the same program, started together and
// sent the same messages, so they allocate the same bytes per transition and V8 collects their
// young generation (a scavenge, ~1-8 ms each on a busy machine) in the same transition. On the
// latency benchmark's fan-out floor (100 Node peers that log a line per message, 2 cores), rounds
// 56 and 209 were 40-50 ms spikes in every run without this and ordinary rounds with it. Filling
// a random part of the young generation once at start-up puts each process at its own point of
// its GC cycle: the same collections happen, spread over all rounds instead of piled onto one.
import { getHeapSpaceStatistics } from 'node:v8';

/** elements per garbage array (~550 bytes each): small objects, as a program's own are */
const CHUNK_ELEMENTS = 64;

/**
 * Allocates a random fraction of the young generation's free space as garbage (~1 ms at most on
 * an idle machine); returns the growth of the young generation's use (0 if it filled up and was
 * collected meanwhile, which is a point in the cycle too).
 */
export function jitterYoungGeneration(random: () => number = Math.random): number {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (!space) return 0;
  const target = Math.floor(random() * space.space_available_size);
  const before = space.space_used_size;
  let sink: number[][] = [];
  let made = 0;
  while (made < target) {
    sink.push(new Array<number>(CHUNK_ELEMENTS).fill(made));
    made += CHUNK_ELEMENTS * 8 + 32;
    if (sink.length >= 64) sink = []; // garbage, not a leak: only the allocation matters
  }
  const after = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return after ? Math.max(0, after.space_used_size - before) : made;
}
