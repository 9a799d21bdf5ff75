// A bare grpc-js service for the transport floors: raw bytes in, the same bytes out, no protobuf,
// no auth, no logic. Whatever Baton does over gRPC cannot be cheaper than this.
import type * as grpc from '@grpc/grpc-js';

const same = (b: Buffer): Buffer => b;

export const ECHO_SERVICE = {
  unary: {
    path: '/bench.Echo/Unary',
    requestStream: false,
    responseStream: false,
    requestSerialize: same,
    requestDeserialize: same,
    responseSerialize: same,
    responseDeserialize: same,
  },
  stream: {
    path: '/bench.Echo/Stream',
    requestStream: true,
    responseStream: true,
    requestSerialize: same,
    requestDeserialize: same,
    responseSerialize: same,
    responseDeserialize: same,
  },
} satisfies grpc.ServiceDefinition;
