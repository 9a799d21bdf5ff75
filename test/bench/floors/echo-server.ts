// The floor's server, run as its own process (as the controller and agents are): listens on
// 127.0.0.1:0, prints the port on stdout, echoes until stdin closes.
import * as grpc from '@grpc/grpc-js';
import { ECHO_SERVICE } from './echo-service.js';

const server = new grpc.Server();
server.addService(ECHO_SERVICE, {
  unary: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, call.request),
  stream: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
    // echo with backpressure: pause reading while the response side is full
    call.on('data', (b: Buffer) => {
      if (!call.write(b)) {
        call.pause();
        call.once('drain', () => call.resume());
      }
    });
    call.on('end', () => call.end());
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    process.stderr.write(`echo server: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => server.forceShutdown());
process.stdin.on('close', () => process.exit(0));
