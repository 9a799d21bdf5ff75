// gRPC server reflection for the Control service, serving the descriptors protoc wrote
// (core/rpc/gen/baton.desc, made by scripts/gen-proto.sh and copied into dist/ by the build), byte for
// byte: tools that build their types from reflection (grpcurl, Python's reflection client, Postman)
// need map fields as protoc describes them (a nested *Entry message with map_entry set), which a
// descriptor synthesized from the .proto by protobufjs does not give. Reflection asks for the token
// like every other call: it tells a caller what the controller can do.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { BatonError, toBatonError } from '../../model/errors.js';
import { toServiceError } from '../../rpc/errors.js';

/** Where the build puts the descriptor set: dist/core/rpc/gen/baton.desc next to the generated code. */
export const DESCRIPTOR_SET = fileURLToPath(new URL('../../rpc/gen/baton.desc', import.meta.url));

/** The services reflection lists: the set also describes agent.proto and task.proto, which this
 *  server does not serve. */
const SERVED = ['baton.v1.Control'];

/** The serialized FileDescriptorProtos of a FileDescriptorSet (field 1, repeated), as protoc wrote
 *  them: split, not decoded and encoded again. */
export function splitDescriptorSet(set: Uint8Array): Buffer[] {
  const reader = new BinaryReader(set);
  const files: Buffer[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) files.push(Buffer.from(reader.bytes()));
    else reader.skip(wireType);
  }
  return files;
}

/**
 * Adds reflection (v1 and v1alpha) to server, open to the calls `authenticate` accepts (it throws
 * UNAUTHENTICATED for the others). Returns false (and adds nothing) when the descriptor set is not
 * there, e.g. a build that skipped copying it.
 */
export function addReflection(
  server: grpc.Server,
  authenticate: (call: grpc.ServerDuplexStream<unknown, unknown>) => void,
  descriptorSet = DESCRIPTOR_SET,
): boolean {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(descriptorSet);
  } catch {
    return false;
  }
  // @grpc/reflection reads only `fileDescriptorProtos` of a package definition's entries: one entry
  // carrying every file of the set is the whole input it needs.
  const definition = {
    'baton.v1': { format: 'Protocol Buffer 3 DescriptorProto', type: {}, fileDescriptorProtos: splitDescriptorSet(bytes) },
  } as unknown as PackageDefinition;
  const reflection = new ReflectionService(definition, { services: SERVED });
  reflection.addToServer({
    addService(service, implementation) {
      server.addService(service, requireAuthentication(implementation, authenticate));
    },
  });
  return true;
}

/** Wraps the reflection handlers (bidirectional streams) so that a call that does not authenticate
 *  ends with UNAUTHENTICATED before any request is read. */
function requireAuthentication(
  implementation: grpc.UntypedServiceImplementation,
  authenticate: (call: grpc.ServerDuplexStream<unknown, unknown>) => void,
): grpc.UntypedServiceImplementation {
  const wrapped: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(implementation)) {
    wrapped[name] = ((call: grpc.ServerDuplexStream<unknown, unknown>) => {
      try {
        authenticate(call);
      } catch (e) {
        const refused = toBatonError(e);
        call.emit('error', toServiceError(new BatonError('UNAUTHENTICATED', `${refused.message} (to use server reflection)`, { where: refused.detail.where })));
        return;
      }
      (handler as (call: grpc.ServerDuplexStream<unknown, unknown>) => void)(call);
    }) as grpc.UntypedHandleCall;
  }
  return wrapped;
}
