// The batched-transport floor's server (farm benchmark), its own process like an agent: for
// every message it receives on a stream, it writes back the number of messages of the size the
// message's first 8 bytes ask for (uint32 count, uint32 bytes), as an agent answers one
// controller batch with its batched updates. Prints its port; ends when stdin closes.
import * as grpc from '@grpc/grpc-js';
import { ECHO_SERVICE } from './echo-service.js';

const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 << 20 });
server.addService(ECHO_SERVICE, {
  unary: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, call.request),
  stream: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
    call.on('data', (b: Buffer) => {
      const count = b.readUInt32LE(0);
      const reply = Buffer.alloc(Math.max(8, b.readUInt32LE(4)), 3);
      for (let i = 0; i < count; i++) call.write(reply);
    });
    call.on('end', () => call.end());
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    process.stderr.write(`batch server: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => server.forceShutdown());
process.stdin.on('close', () => process.exit(0));
