// Shared by the import checks (check-layers.mjs, check-cycles.mjs): the source files under a
// folder, and their text with comments blanked out (line numbers kept).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every .js/.ts(x)/.mjs/.cjs file below `dir`, but not node_modules, dist, dot-folders or .d.ts. */
export function* walk(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (/\.(m|c)?[jt]sx?$/.test(e.name) && !e.name.endsWith('.d.ts')) yield p;
  }
}

/** Comments out of the way (keeps line numbers; a // inside a string such as unix:// is kept). */
export function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/^(\s*)\/\/.*$/gm, '$1');
}
