// One peer of the fan-out floor: the least a Node task can do per transition. It dials the unix
// socket in argv[2] and echoes every chunk it reads; no logging, no decoding. Flags in argv[3]
// (comma-separated): 'log' prints a line per message (to stdout, which the floor sends to
// /dev/null), allocating per message as a task that logs its transitions does.
import net from 'node:net';

const flags = new Set((process.argv[3] ?? '').split(','));
const log = flags.has('log');
const socket = net.connect(process.argv[2]!);
socket.on('data', (chunk) => {
  if (log) console.log(`got ${chunk.length} bytes`);
  socket.write(chunk);
});
socket.on('error', () => process.exit(1));
socket.on('close', () => process.exit(0));
