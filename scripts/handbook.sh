#!/usr/bin/env bash
# npm run handbook: refreshes the operator handbook. 1. the procedures (docs/handbook/procedures/):
# every walkthrough (training/*.yaml) runs in Chromium against a local training stack with the
# browser trainee (test/e2e/walkthroughs-*.spec.ts on Playwright's runner, two files at a time),
# which pictures each step into test-results/walkthroughs/; scripts/handbook-pages.mjs then writes a page per walkthrough
# and an index from the walkthroughs and those pictures. 2. the README's screenshots
# (docs/handbook/img/): the console end-to-end tests (Playwright's runner: console.spec.ts,
# holds.spec.ts) save theirs to test-results/screenshots/
# (ignored, so that `npm test` changes no tracked file), copied into docs/handbook/img/. Fails, and
# writes nothing, when a test fails or made no pictures (the tests need Chromium and a built
# console: `npm run handbook` runs `npm run build` first).
set -euo pipefail
cd "$(dirname "$0")/.."
shots=test-results/screenshots
img=docs/handbook/img

rm -rf test-results/walkthroughs
npx playwright test -c dist/test/e2e/playwright.config.js --workers 2 walkthroughs-
node scripts/handbook-pages.mjs

rm -rf "$shots"
BATON_SCREENSHOTS="$PWD/$shots" npx playwright test -c dist/test/e2e/playwright.config.js --workers 1 console.spec holds.spec
shopt -s nullglob
made=("$shots"/*.png)
if [ "${#made[@]}" -eq 0 ]; then
  echo "handbook: the console test made no screenshots (was it skipped? it needs Chromium and npm run build)" >&2
  exit 1
fi
mkdir -p "$img"
cp "${made[@]}" "$img/"
echo "handbook: ${#made[@]} screenshots copied to $img/"
for f in "$img"/*.png; do
  if [ ! -f "$shots/$(basename "$f")" ]; then echo "handbook: $f was not made by the test (stale? delete it if no page uses it)" >&2; fi
done
