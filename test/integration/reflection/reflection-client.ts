// A gRPC client that knows nothing of Baton: what grpcurl or Postman do. It speaks the server
// reflection protocol (grpc.reflection.v1, whose few messages it encodes by hand here, as those tools
// have them compiled in), fetches the file that defines a service and the files it imports, builds
// the message types from those descriptors (@bufbuild/protobuf), and calls methods with grpc-js's
// generic Client. No Baton .proto file, no generated code.
import * as grpc from '@grpc/grpc-js';
import { createFileRegistry, fromBinary, fromJson, toBinary, toJson, type DescService, type FileRegistry, type JsonValue } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';

const REFLECTION_METHOD = '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo';

/** One ServerReflectionRequest (the oneof fields tools use). */
export type ReflectionRequest = { fileContainingSymbol: string } | { fileByFilename: string } | { listServices: string };

/** The decoded parts of a ServerReflectionResponse this client uses. */
export interface ReflectionResponse {
  files: Uint8Array[];
  services: string[];
  error?: { code: number; message: string };
}

export function encodeRequest(req: ReflectionRequest): Buffer {
  const w = new BinaryWriter();
  if ('fileByFilename' in req) w.tag(3, WireType.LengthDelimited).string(req.fileByFilename);
  else if ('fileContainingSymbol' in req) w.tag(4, WireType.LengthDelimited).string(req.fileContainingSymbol);
  else w.tag(7, WireType.LengthDelimited).string(req.listServices);
  return Buffer.from(w.finish());
}

/** Calls fn for each field of a message with the reader at its value; fn returns false for a
 *  field it does not read, which is then skipped. */
function fields(bytes: Uint8Array, fn: (field: number, r: BinaryReader) => boolean): void {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [field, wireType] = r.tag();
    if (!fn(field, r)) r.skip(wireType);
  }
}

export function decodeResponse(bytes: Uint8Array): ReflectionResponse {
  const out: ReflectionResponse = { files: [], services: [] };
  fields(bytes, (field, r) => {
    switch (field) {
      case 4: // FileDescriptorResponse { repeated bytes file_descriptor_proto = 1; }
        fields(r.bytes(), (f, r2) => {
          if (f !== 1) return false;
          out.files.push(r2.bytes());
          return true;
        });
        return true;
      case 6: // ListServiceResponse { repeated ServiceResponse service = 1; }, ServiceResponse { string name = 1; }
        fields(r.bytes(), (f, r2) => {
          if (f !== 1) return false;
          fields(r2.bytes(), (f3, r3) => {
            if (f3 !== 1) return false;
            out.services.push(r3.string());
            return true;
          });
          return true;
        });
        return true;
      case 7: {
        // ErrorResponse { int32 error_code = 1; string error_message = 2; }
        const error = { code: 0, message: '' };
        fields(r.bytes(), (f, r2) => {
          if (f === 1) error.code = r2.int32();
          else if (f === 2) error.message = r2.string();
          else return false;
          return true;
        });
        out.error = error;
        return true;
      }
      default:
        return false;
    }
  });
  return out;
}

/** A reflection session: one ServerReflectionInfo stream, one request answered at a time. */
export class ReflectionSession {
  private readonly call: grpc.ClientDuplexStream<Buffer, ReflectionResponse>;
  private waiting: { resolve: (r: ReflectionResponse) => void; reject: (e: Error) => void } | null = null;
  private failure: grpc.ServiceError | null = null;

  constructor(
    readonly client: grpc.Client,
    metadata: grpc.Metadata,
  ) {
    this.call = client.makeBidiStreamRequest(REFLECTION_METHOD, (b: Buffer) => b, decodeResponse, metadata);
    this.call.on('data', (r: ReflectionResponse) => {
      const w = this.waiting;
      this.waiting = null;
      w?.resolve(r);
    });
    this.call.on('error', (e: grpc.ServiceError) => {
      this.failure = e;
      const w = this.waiting;
      this.waiting = null;
      w?.reject(e);
    });
  }

  ask(req: ReflectionRequest): Promise<ReflectionResponse> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.call.write(encodeRequest(req));
    });
  }

  /** The file defining symbol (root: the first one the server sends) and, transitively, every file
   *  it imports (asked for by name when the server did not send it along), as raw
   *  FileDescriptorProto bytes by file name. */
  async filesFor(symbol: string): Promise<{ root: string; files: Map<string, Uint8Array> }> {
    const files = new Map<string, Uint8Array>();
    let root = '';
    const add = (r: ReflectionResponse, what: string) => {
      if (r.error) throw new Error(`reflection: ${what}: ${r.error.code} ${r.error.message}`);
      for (const bytes of r.files) {
        const name = fromBinary(FileDescriptorProtoSchema, bytes).name;
        root ||= name;
        files.set(name, bytes);
      }
    };
    add(await this.ask({ fileContainingSymbol: symbol }), symbol);
    for (let missing = this.missingImports(files); missing.length; missing = this.missingImports(files)) {
      for (const name of missing) add(await this.ask({ fileByFilename: name }), name);
    }
    return { root, files };
  }

  private missingImports(files: Map<string, Uint8Array>): string[] {
    const protos = [...files.values()].map((b) => fromBinary(FileDescriptorProtoSchema, b));
    return [...new Set(protos.flatMap((p) => p.dependency))].filter((d) => !files.has(d));
  }

  end(): void {
    this.call.end();
  }
}

/** A registry of the message and service types of the reflected file `root`, its imports
 *  resolved among the other reflected files (in any order). */
export function registryOf({ root, files }: { root: string; files: Map<string, Uint8Array> }): FileRegistry {
  const proto = (name: string): FileDescriptorProto | undefined => {
    const bytes = files.get(name);
    return bytes && fromBinary(FileDescriptorProtoSchema, bytes);
  };
  const rootFile = proto(root);
  if (!rootFile) throw new Error(`reflection did not send ${root}`);
  return createFileRegistry(rootFile, proto);
}

/** A unary call of service's method through the generic grpc-js client, typed by descriptors only;
 *  resolves with the reply decoded by its reflected type, as proto3 JSON. */
export function callByDescriptor(
  client: grpc.Client,
  service: DescService,
  methodName: string,
  request: Record<string, unknown>,
  metadata: grpc.Metadata,
): Promise<JsonValue> {
  const method = service.methods.find((m) => m.name === methodName);
  if (!method || method.methodKind !== 'unary') throw new Error(`${service.typeName} has no unary method ${methodName}`);
  const { input, output } = method;
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      `/${service.typeName}/${method.name}`,
      (json: Record<string, unknown>) => Buffer.from(toBinary(input, fromJson(input, json as JsonValue))),
      (b: Buffer) => b,
      request,
      metadata,
      { deadline: Date.now() + 10_000 },
      (e, bytes) => (e ? reject(e) : resolve(toJson(output, fromBinary(output, bytes!)))),
    );
  });
}
