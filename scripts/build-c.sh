#!/usr/bin/env bash
# Builds the C parts: the C task SDK's demo program (sdk/c) into dist/assets/programs/c-demo-task,
# and the agent's spawn helper into dist/core/agent/native/baton-spawn. Without a C compiler it
# says so and builds nothing: the agent then spawns with Node, and the tests and benchmarks that
# need the demo say they skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null; then
  echo "no C compiler ($cc): the C demo task and the agent's spawn helper not built (apt-get install gcc)" >&2
  exit 0
fi
mkdir -p dist/assets/programs
"$cc" -std=c11 -O2 -Wall -Wextra -Werror -o dist/assets/programs/c-demo-task sdk/c/demo_task.c sdk/c/baton_task.c
mkdir -p dist/core/agent/native
"$cc" -std=c11 -O2 -Wall -Wextra -Werror -o dist/core/agent/native/baton-spawn core/agent/native/baton-spawn.c
