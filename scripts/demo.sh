#!/usr/bin/env bash
# npm run demo: a local stack (controller + 2 agents), the `quick` demo environment brought to
# RUNNING, its status shown. Leaves it running; `npx baton local down` stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

baton() { node bin/baton.js "$@"; }

if [ ! -f dist/core/cli/main.js ]; then npm run build --silent; fi

if baton local status >/dev/null 2>&1; then
  echo "a local stack is already running in ${BATON_HOME:-~/.baton}: using it"
else
  baton local up --agents 2
fi

echo
id=$(baton env create quick --quiet)
echo "created environment $id from the quick workflow"
for t in DEPLOY CONFIGURE START_ACTIVITY; do
  baton env control "$id" "$t"
done

echo
baton env show "$id"

cat <<EOT

The environment $id is RUNNING. Look around:
  npx baton env list
  npx baton task list --env $id
  npx baton task logs $id/alpha --follow
  npx baton env control $id STOP_ACTIVITY
  npx baton run list
Stop everything (environments, agents, controller, task processes) with:
  npx baton local down
EOT
