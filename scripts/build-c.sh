#!/usr/bin/env bash
# Builds the C parts, on Linux only: the agent's spawn helper into dist/core/agent/native/baton-spawn
# (it uses Linux's prctl and /proc), and the C task SDK's programs (sdk/c) into dist/sdk/c/
# (demo_task, conformance_task) with the SDK's test program (test/unit/sdk/c/poll_task.c). Elsewhere,
# or without a C compiler, it says so and builds nothing: the agent then spawns with Node's spawn,
# and the tests and benchmarks that need the C programs say they skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)" != Linux ]; then
  echo "not Linux ($(uname -s)): the agent's spawn helper and the C task SDK's programs not built; the agent spawns tasks with Node's spawn" >&2
  exit 0
fi
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null; then
  echo "no C compiler ($cc): the agent's spawn helper and the C task SDK's programs not built; the agent spawns tasks with Node's spawn (apt-get install gcc)" >&2
  exit 0
fi
build() { "$cc" -std=c11 -O2 -Wall -Wextra -Werror "$@"; }
mkdir -p dist/core/agent/native dist/sdk/c dist/test/unit/sdk/c
build -o dist/core/agent/native/baton-spawn core/agent/native/baton-spawn.c
build -o dist/sdk/c/demo_task sdk/c/demo_task.c sdk/c/baton_task.c
build -o dist/sdk/c/conformance_task sdk/c/conformance_task.c sdk/c/baton_task.c
build -o dist/test/unit/sdk/c/poll_task test/unit/sdk/c/poll_task.c sdk/c/baton_task.c
