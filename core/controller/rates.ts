// Live rates of a channel edge from the tasks' heartbeat counters. A connect with a single target
// measures exactly that edge; a bind with a single peer does too; otherwise the side's total is
// shared evenly among its edges (the best a per-channel counter can say).
import type { ChannelCounter } from '../rpc/gen/common.js';

export interface Rates {
  msgRate: number;
  byteRate: number;
}

export function edgeRates(bindSide: ChannelCounter | undefined, connectSide: ChannelCounter | undefined, bindEdges: number, connectEdges: number): Rates {
  if (connectSide && connectEdges <= 1) return { msgRate: connectSide.msgRate, byteRate: connectSide.byteRate };
  if (bindSide && bindEdges <= 1) return { msgRate: bindSide.msgRate, byteRate: bindSide.byteRate };
  if (connectSide) return { msgRate: connectSide.msgRate / connectEdges, byteRate: connectSide.byteRate / connectEdges };
  if (bindSide) return { msgRate: bindSide.msgRate / bindEdges, byteRate: bindSide.byteRate / bindEdges };
  return { msgRate: 0, byteRate: 0 };
}
