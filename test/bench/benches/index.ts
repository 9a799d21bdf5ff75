// The benchmarks, in the order `npm run bench` runs them.
import type { Benchmark } from '../bench.js';
import { consoleBench } from './console.js';
import { events } from './events.js';
import { failover } from './failover.js';
import { farm } from './farm.js';
import { hostile } from './hostile.js';
import { latency } from './latency.js';
import { peers } from './peers.js';
import { procs } from './procs.js';
import { remote } from './remote.js';

export const BENCHMARKS: Benchmark[] = [farm, procs, latency, events, consoleBench, peers, hostile, remote, failover];
