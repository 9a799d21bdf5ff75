// ELK runs in a Web Worker (elkjs' own worker script), so a big layout never blocks the page.
// Results are cached per structure key: state and rate changes do not re-layout.
import ELK from 'elkjs/lib/elk-api.js';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { gridPositions, positionsFromElk, toElkGraph, type Positions } from './layout.js';
import type { GraphModel } from './model.js';

let elk: InstanceType<typeof ELK> | null = null;
const cache = new Map<string, Positions>();

function engine(): InstanceType<typeof ELK> | null {
  if (typeof Worker === 'undefined') return null;
  elk ??= new ELK({ workerFactory: () => new Worker(workerUrl) as never });
  return elk;
}

export async function layoutModel(m: GraphModel): Promise<Positions> {
  const hit = cache.get(m.structureKey);
  if (hit) return hit;
  const e = engine();
  if (!e) return gridPositions(m);
  try {
    const out = await e.layout(toElkGraph(m) as never);
    const p = positionsFromElk(out as never);
    if (cache.size > 20) cache.clear();
    cache.set(m.structureKey, p);
    return p;
  } catch {
    return gridPositions(m);
  }
}
