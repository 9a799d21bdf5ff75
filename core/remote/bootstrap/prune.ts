// Old agent releases on a node: each bootstrap or upgrade that brings a new build leaves the one
// before in releases/<hash>/ (tens of MB each). A node keeps the release `current` points to, the
// one it pointed to before (`previous`: what an operator rolls back to by pointing current at it
// and restarting the agent), and the release this run brought (sent, but not switched to while an
// agent runs without --upgrade); every other complete release is removed. Unfinished unpackings
// (<hash>.tmp, <hash>.tar.gz.part) are left to the run that made them, which cleans them up.
import { shq } from './node-files.js';

/** Before current is switched: remember where it pointed as `previous` (nothing when it pointed nowhere). */
export function rememberPreviousCommand(dir: string): string {
  return `cd ${shq(dir)} && { p=$(readlink current 2>/dev/null); [ -z "$p" ] || { ln -sfn "$p" previous.tmp && mv -T previous.tmp previous; }; }`;
}

/** Removes every complete release but current's, previous's and `keepHash`; prints `removed=<hash>` per release removed. */
export function pruneReleasesScript(dir: string, keepHash: string): string {
  return `cd ${shq(`${dir}/releases`)} 2>/dev/null || exit 0
cur=$(basename "$(readlink ../current 2>/dev/null)" 2>/dev/null)
prev=$(basename "$(readlink ../previous 2>/dev/null)" 2>/dev/null)
for r in *; do
  [ -d "$r" ] && [ -f "$r/.complete" ] || continue
  case "$r" in "$cur"|"$prev"|${shq(keepHash)}|*.tmp) continue ;; esac
  rm -rf "$r" && echo "removed=$r"
done
exit 0
`;
}
