#!/usr/bin/env node
// npm run handbook, second half: writes docs/handbook/procedures/ from the walkthroughs
// (training/*.yaml) and the pictures the console tests took of each run
// (test-results/walkthroughs/<id>/step-N-start|done.png): a page per walkthrough and an index.
// The picture before step 1 and the one of each step done are kept (1280x800 PNGs). A walkthrough
// without pictures (its run failed) stops the generation, naming it: no page half made.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { loadWalkthroughs } = await import(path.join(root, 'dist/core/training/load.js'));
const { procedurePage, proceduresIndex } = await import(path.join(root, 'dist/core/training/handbook.js'));

const shots = process.env.BATON_WALKTHROUGH_SHOTS ?? path.join(root, 'test-results', 'walkthroughs');
const out = path.join(root, 'docs', 'handbook', 'procedures');
const loaded = loadWalkthroughs(path.join(root, 'training'));
const bad = loaded.filter((l) => !l.walkthrough);
if (bad.length) {
  console.error(`handbook: walkthroughs with problems (baton train lint): ${bad.map((l) => l.diagnostics[0].file).join(', ')}`);
  process.exit(1);
}
const walkthroughs = loaded.map((l) => l.walkthrough);
const missing = walkthroughs.filter((w) => !fs.existsSync(path.join(shots, w.id, 'step-1-start.png')));
if (missing.length) {
  console.error(`handbook: no pictures of ${missing.map((w) => w.id).join(', ')} in ${shots} (did its console test pass?)`);
  process.exit(1);
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'img'), { recursive: true });
let pictures = 0;
for (const w of walkthroughs) {
  const kept = [];
  const wanted = [{ step: 1, phase: 'start' }, ...w.steps.map((_s, i) => ({ step: i + 1, phase: 'done' }))];
  for (const p of wanted) {
    const from = path.join(shots, w.id, `step-${p.step}-${p.phase}.png`);
    if (!fs.existsSync(from)) continue;
    const name = `${w.id}-${p.step}-${p.phase}.png`;
    fs.copyFileSync(from, path.join(out, 'img', name));
    kept.push({ ...p, file: `img/${name}` });
    pictures++;
  }
  fs.writeFileSync(path.join(out, `${w.id}.md`), procedurePage(w, kept));
}
fs.writeFileSync(path.join(out, 'README.md'), proceduresIndex(walkthroughs));
console.log(`handbook: ${walkthroughs.length} procedures and ${pictures} pictures written to ${path.relative(root, out)}/`);
