#!/usr/bin/env bash
# npm run handbook: refreshes the operator handbook's screenshots (docs/handbook/img/). Runs the
# console end-to-end tests (Playwright's runner: test/e2e/console.spec.ts, holds.spec.ts), which
# save their screenshots to test-results/screenshots/ (ignored, so that `npm test` changes no
# tracked file), then copies them into docs/handbook/img/. Fails, and
# copies nothing, when the test fails or made no screenshots (it is skipped without Chromium or a
# built console: run `npm run build` first, which `npm run handbook` does).
set -euo pipefail
cd "$(dirname "$0")/.."
shots=test-results/screenshots
img=docs/handbook/img

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
