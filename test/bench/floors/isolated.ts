// Floors that spawn processes, run in a fresh Node process and printing their milliseconds:
//   node isolated.js spawn <count> <parallel> <cmd> [args...]       (the /bin/true floor)
//   node isolated.js hello <count> <parallel> <timeoutMs> [module]   (the node-hello floor)
// fork() copies the parent's page tables, so a floor taken inside the benchmark runner grew with
// the runner's own memory (1,000 /bin/true took 2.07 s after the farm benchmark, 1.0 s from a fresh
// process): a floor must not depend on what ran before it.
import { nodeHelloFloorHere, spawnFloorHere } from '../floor.js';

const [kind, count, parallel, ...rest] = process.argv.slice(2);
let ms: number;
if (kind === 'spawn' && count && parallel && rest[0]) {
  ms = await spawnFloorHere(Number(count), rest[0], rest.slice(1), Number(parallel));
} else if (kind === 'hello' && count && parallel && rest[0]) {
  ms = await nodeHelloFloorHere(Number(count), Number(parallel), Number(rest[0]), rest[1]);
} else {
  process.stderr.write('usage: isolated spawn <count> <parallel> <cmd> [args...] | hello <count> <parallel> <timeoutMs> [module]\n');
  process.exit(2);
}
process.stdout.write(`${ms}\n`);
