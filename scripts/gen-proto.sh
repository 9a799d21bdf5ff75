#!/usr/bin/env bash
# Generates typed TypeScript from proto/ (ts-proto, grpc-js services) into core/rpc/gen/, the task
# messages alone into sdk/node/gen/, and the Python task SDK's stubs.
# The generated files are committed so a build needs no protoc; `npm run gen` runs this script to
# refresh them after a proto change, and `npm run check:gen` (scripts/check-gen.sh) fails when the
# committed files are not what it generates.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v protoc >/dev/null; then
  echo "protoc not found: using the committed core/rpc/gen (apt-get install protobuf-compiler to regenerate)" >&2
  exit 0
fi
out=core/rpc/gen
rm -rf "$out" && mkdir -p "$out"
protoc --plugin=protoc-gen-ts_proto=./node_modules/.bin/protoc-gen-ts_proto \
  --ts_proto_out="$out" \
  --ts_proto_opt=outputServices=grpc-js,esModuleInterop=true,importSuffix=.js,forceLong=number,oneof=unions,env=node,useOptionals=none,stringEnums=true,outputJsonMethods=true \
  -I proto proto/common.proto proto/task.proto proto/agent.proto proto/control.proto
# The Node task SDK's codecs (sdk/node/gen/): the same messages without the grpc-js service stubs,
# whose import loads grpc-js into every task process (docs/performance.md, "Node SDK transport").
sdk_out=sdk/node/gen
rm -rf "$sdk_out" && mkdir -p "$sdk_out"
protoc --plugin=protoc-gen-ts_proto=./node_modules/.bin/protoc-gen-ts_proto \
  --ts_proto_out="$sdk_out" \
  --ts_proto_opt=outputServices=none,esModuleInterop=true,importSuffix=.js,forceLong=number,oneof=unions,env=node,useOptionals=none,stringEnums=true,outputJsonMethods=false \
  -I proto proto/common.proto proto/task.proto
# descriptor set for gRPC server reflection
protoc -I proto --include_imports --descriptor_set_out="$out/baton.desc" proto/control.proto proto/agent.proto proto/task.proto
# the Python task SDK's stubs (sdk/python/baton_task/gen), when protoc and grpc_python_plugin are there
if command -v grpc_python_plugin >/dev/null; then bash scripts/gen-python.sh; fi
