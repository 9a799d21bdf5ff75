#!/usr/bin/env bash
# npm test: build, generated-code check, lint, renderer unit tests (vitest, when configured), then
# node's test runner over dist/test (unit, integration, e2e). Every stage runs even if an earlier
# one failed; a stage that cannot run here (the generated-code check without protoc) is listed as
# skipped, neither passed nor failed. The last line is the total: "N passed, N failed". Exits
# non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failed_stages=()
skipped_stages=()
logs=$(mktemp -d "${TMPDIR:-/tmp}/baton-test-XXXXXX")
trap 'rm -rf "$logs"' EXIT

banner() { printf '\n== %s\n' "$1"; }
count() { # count <stage> <passed> <failed>
  passed=$((passed + $2))
  failed=$((failed + $3))
  if [ "$3" -gt 0 ]; then failed_stages+=("$1"); fi
  printf -- '-- %s: %d passed, %d failed\n' "$1" "$2" "$3"
}

# 1. build (tsc, C parts, the console's web files)
banner build
if npm run build --silent; then count build 1 0; else count build 0 1; fi

# 2. the committed generated code matches proto/ (needs protoc: exit 77 means it was not there)
banner 'generated code (check:gen)'
bash scripts/check-gen.sh
rc=$?
if [ "$rc" -eq 77 ]; then
  skipped_stages+=('check:gen (protoc not found)')
  echo '-- check:gen: skipped'
elif [ "$rc" -eq 0 ]; then count check:gen 1 0; else count check:gen 0 1; fi

# 3. lint: layers, import cycles, formatting
banner lint
if npm run lint --silent; then count lint 1 0; else count lint 0 1; fi

# 4. renderer unit tests
if [ -f renderer/vitest.config.ts ]; then
  banner 'renderer unit tests (vitest)'
  npx vitest run --config renderer/vitest.config.ts --reporter=default --reporter=json \
    --outputFile.json="$logs/vitest.json"
  rc=$?
  if [ -s "$logs/vitest.json" ]; then
    read -r p f < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites||0))' "$logs/vitest.json")
  else
    p=0; f=1
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  count vitest "$p" "$f"
fi

# 5. node tests: unit, integration, e2e, bench smoke (whichever exist)
dirs=()
for d in unit integration e2e bench; do
  if [ -d "dist/test/$d" ]; then dirs+=("dist/test/$d"); fi
done
if [ "${#dirs[@]}" -gt 0 ]; then
  banner "node tests (${dirs[*]})"
  node --test --test-concurrency=2 --test-timeout=180000 \
    --test-reporter=spec --test-reporter-destination=stdout "${dirs[@]}" 2>&1 | tee "$logs/node.txt"
  rc=${PIPESTATUS[0]}
  # the spec reporter ends with "ℹ pass N", "ℹ fail N", "ℹ cancelled N"
  p=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$logs/node.txt" | tail -1)
  f=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$logs/node.txt" | tail -1)
  c=$(sed -n 's/^ℹ cancelled \([0-9]*\)$/\1/p' "$logs/node.txt" | tail -1)
  p=${p:-0}; f=$(( ${f:-0} + ${c:-0} ))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  count 'node tests' "$p" "$f"
fi

echo
if [ "${#skipped_stages[@]}" -gt 0 ]; then echo "skipped stages: ${skipped_stages[*]}"; fi
if [ "${#failed_stages[@]}" -gt 0 ]; then echo "failed stages: ${failed_stages[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
