#!/usr/bin/env bash
# Generates the Python task SDK's protobuf and gRPC code from proto/common.proto and
# proto/task.proto into sdk/python/baton_task/gen/ (protoc's python_out and Debian's
# grpc_python_plugin). The generated files are committed, so a Python task needs neither tool;
# this script refreshes them (scripts/gen-proto.sh, npm run gen, calls it when both are there).
#
# protoc writes `import common_pb2` and `import task_pb2`: absolute imports that only resolve with
# gen/ itself on sys.path. The sed below rewrites them to relative imports (`from . import ...`) so
# the files work as the package baton_task.gen with no PYTHONPATH and no sys.path change.
set -euo pipefail
cd "$(dirname "$0")/.."
plugin=$(command -v grpc_python_plugin || true)
if ! command -v protoc >/dev/null || [ -z "$plugin" ]; then
  echo "protoc or grpc_python_plugin not found: using the committed sdk/python/baton_task/gen (apt-get install protobuf-compiler protobuf-compiler-grpc to regenerate)" >&2
  exit 0
fi
out=sdk/python/baton_task/gen
tmp=$(mktemp -d "${TMPDIR:-/tmp}/baton-gen-python-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
protoc -I proto --python_out="$tmp" --grpc_python_out="$tmp" --plugin=protoc-gen-grpc_python="$plugin" \
  proto/common.proto proto/task.proto
for f in common_pb2.py task_pb2.py task_pb2_grpc.py; do # common.proto has no service: no common_pb2_grpc.py
  sed -E 's/^import ([A-Za-z0-9_]+_pb2) as /from . import \1 as /' "$tmp/$f" >"$out/$f"
done
if grep -nE '^import [A-Za-z0-9_]+_pb2' "$out"/*.py; then
  echo "gen-python.sh: an absolute import of a generated module is left (above): the rewrite missed it" >&2
  exit 1
fi
