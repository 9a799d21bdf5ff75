#!/usr/bin/env bash
# npm run check:gen: is the committed generated code what the protos generate today?
# Copies the tracked files of this checkout into a temp directory, runs scripts/gen-proto.sh
# there (so nothing in the checkout changes, whatever the generators write), and fails naming
# every file the generators changed, added or removed. The copy holds the working tree's
# versions, so an edited proto is checked before it is committed.
# Exit codes: 0 up to date, 1 a generated file differs (or generation failed), 77 skipped:
# protoc is not installed, so nothing can be regenerated (scripts/test.sh counts that as skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if ! command -v protoc >/dev/null; then
  echo "check:gen skipped: protoc not found (apt-get install protobuf-compiler), the generated code was not checked" >&2
  exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/baton-check-gen-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# the tracked files as they are in the working tree (deleted ones left out)
mkdir -p "$tmp/copy"
git ls-files -z --cached | while IFS= read -r -d '' f; do
  if [ -f "$f" ]; then printf '%s\0' "$f"; fi
done | tar --null -T - -cf - | tar -xf - -C "$tmp/copy"
ln -s "$root/node_modules" "$tmp/copy/node_modules"

# the file list and checksums before and after generation
snapshot() {
  (cd "$tmp/copy" && find . -path ./node_modules -prune -o -type f -print0 | sort -z | xargs -0 sha256sum)
}
snapshot > "$tmp/before"
if ! (cd "$tmp/copy" && bash scripts/gen-proto.sh) > "$tmp/gen.log" 2>&1; then
  cat "$tmp/gen.log" >&2
  echo "check:gen: scripts/gen-proto.sh failed" >&2
  exit 1
fi
snapshot > "$tmp/after"

# "<hash>  ./path" lines: a path in one list only, or with another hash, is a difference
# (repository paths have no spaces)
changed=$(join -j 2 -a 1 -a 2 -e MISSING -o 0,1.1,2.1 \
  <(sed 's/^\([0-9a-f]*\)  /\1 /' "$tmp/before" | sort -k 2) \
  <(sed 's/^\([0-9a-f]*\)  /\1 /' "$tmp/after" | sort -k 2) |
  awk '$2 != $3 { sub(/^\.\//, "", $1);
    if ($2 == "MISSING") print "  " $1 " (generated, not committed)";
    else if ($3 == "MISSING") print "  " $1 " (committed, no longer generated)";
    else print "  " $1 " (differs)" }')
if [ -n "$changed" ]; then
  echo "check:gen: the committed generated code is not what the protos generate:" >&2
  echo "$changed" >&2
  echo "run 'npm run gen' and commit the result" >&2
  exit 1
fi
echo "check:gen: ok (the generated code matches proto/)"
