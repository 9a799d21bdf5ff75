#!/usr/bin/env node
// The import-cycle check (npm run lint): fails, naming every cycle as a chain of files, when
// source files import each other in a circle, directly or through others. A cycle makes the
// order in which ES modules initialise matter (a module can see another's exports before they
// are set) and means the parts are not separable, so none is allowed.
// Type-only imports (`import type`, `export type`, `import { type A }` with types only) count,
// with one allowance: a cycle that closes only through type-only imports and stays inside one
// folder is printed as a note, not a failure. TypeScript erases such imports, so they cannot
// change which module initialises first, and inside one folder they are the shape of the data
// (a task knows its environment, which holds its tasks; a helper file takes the driver that
// calls it). A type-only cycle across folders still fails: it means a lower folder knows about
// a higher one (the controller's model about its transitions), and the type belongs lower.
// Usage: node scripts/check-cycles.mjs [root]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripComments, walk } from './lib/source-files.mjs';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));

/** the folders of source code whose imports are checked */
const TOPS = ['core', 'sdk', 'renderer', 'electron', 'bin', 'assets', 'test'];

// [regex, index of the specifier group, index of the `type` keyword group, index of the names group]
const IMPORT_RES = [
  [/\b(?:import|export)\s+(type\s+)?([^'"`;]*?)\bfrom\s*['"]([^'"]+)['"]/g, 3, 1, 2],
  [/\bimport\s*['"]([^'"]+)['"]/g, 1, 0, 0],
  [/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, 1, 0, 0],
];

/** `{ type A, type B as C }`: names that are all types */
function allTypeNames(names) {
  return /^\{\s*(type\s+[\w$]+\s*(as\s+[\w$]+\s*)?,?\s*)+\}$/.test(names.trim());
}

/** The source file a relative specifier names (NodeNext: `./x.js` is `./x.ts` or `./x.tsx`), or null. */
function resolveSpec(fromFile, spec) {
  const base = path.resolve(path.dirname(fromFile), spec);
  const stem = base.replace(/\.(m|c)?js$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.js`, `${stem}.mjs`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')];
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // not this one
    }
  }
  return null;
}

/** file -> [{ to, line, typeOnly }] for every relative import */
export function importGraph(rootDir) {
  const graph = new Map();
  for (const top of TOPS) {
    for (const file of walk(path.join(rootDir, top))) {
      const src = stripComments(fs.readFileSync(file, 'utf8'));
      const edges = [];
      for (const [re, specAt, typeAt, namesAt] of IMPORT_RES) {
        re.lastIndex = 0;
        let m;
        while ((m = re.exec(src))) {
          const spec = m[specAt];
          if (!spec.startsWith('.')) continue; // packages and node: builtins
          const to = resolveSpec(file, spec);
          if (!to) continue;
          const typeOnly = typeAt > 0 && (!!m[typeAt] || allTypeNames(m[namesAt]));
          edges.push({ to, line: src.slice(0, m.index).split('\n').length, typeOnly });
        }
      }
      graph.set(file, edges);
    }
  }
  return graph;
}

/** The strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cyclicComponents(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const out = [];
  // iterative, so a deep import chain cannot overflow the call stack
  for (const start of graph.keys()) {
    if (idx.has(start)) continue;
    const work = [{ v: start, i: 0 }];
    idx.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const edges = graph.get(frame.v) ?? [];
      if (frame.i < edges.length) {
        const w = edges[frame.i++].to;
        if (!graph.has(w)) continue;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.v, Math.min(low.get(frame.v), idx.get(w)));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent), low.get(frame.v)));
      }
      if (low.get(frame.v) === idx.get(frame.v)) {
        const comp = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          comp.push(w);
        } while (w !== frame.v);
        const selfLoop = comp.length === 1 && edges.some((e) => e.to === frame.v);
        if (comp.length > 1 || selfLoop) out.push(comp);
      }
    }
  }
  return out;
}

/** One cycle through a component, as the chain of imports (breadth-first: the shortest back to the start). */
function oneCycle(graph, comp) {
  const members = new Set(comp);
  const start = [...comp].sort()[0];
  const prev = new Map();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const e of graph.get(v) ?? []) {
      if (!members.has(e.to)) continue;
      if (e.to === start) {
        const chain = [{ from: v, line: e.line }];
        let cur = v;
        while (cur !== start) {
          const p = prev.get(cur);
          chain.unshift({ from: p.from, line: p.line });
          cur = p.from;
        }
        return chain
          .map((c) => c.from)
          .concat([start])
          .map((f, i) => (i < chain.length ? { file: f, line: chain[i].line } : { file: f }));
      }
      if (!prev.has(e.to) && e.to !== start) {
        prev.set(e.to, { from: v, line: e.line });
        queue.push(e.to);
      }
    }
  }
  return comp.map((file) => ({ file }));
}

/**
 * cycles: those the check fails on (through imports that stay in the JavaScript, or type-only
 * ones across folders); allowed: type-only cycles inside one folder (printed as notes).
 */
export function findCycles(rootDir) {
  const graph = importGraph(rootDir);
  const valueGraph = new Map([...graph].map(([file, edges]) => [file, edges.filter((e) => !e.typeOnly)]));
  const rel = (f) => path.relative(rootDir, f).split(path.sep).join('/');
  const describe = (g) => (comp) => ({
    files: comp.map(rel).sort(),
    chain: oneCycle(g, comp).map((s) => (s.line ? `${rel(s.file)}:${s.line}` : rel(s.file))),
  });
  const valueComps = cyclicComponents(valueGraph);
  const inValueCycle = new Set(valueComps.flat());
  const cycles = valueComps.map(describe(valueGraph));
  const allowed = [];
  for (const comp of cyclicComponents(graph)) {
    if (comp.some((f) => inValueCycle.has(f))) continue;
    const oneFolder = new Set(comp.map((f) => path.dirname(f))).size === 1;
    (oneFolder ? allowed : cycles).push(describe(graph)(comp));
  }
  return { files: graph.size, cycles, allowed };
}

if (path.resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const { files, cycles, allowed } = findCycles(root);
  for (const c of allowed) console.log(`note: type-only import cycle inside one folder (allowed): ${c.chain.join(' -> ')}`);
  if (cycles.length) {
    for (const c of cycles) {
      console.error(`import cycle: ${c.chain.join(' -> ')}`);
      if (c.files.length > c.chain.length - 1) console.error(`  (all of these import each other: ${c.files.join(', ')})`);
    }
    console.error(
      `cycle check: ${cycles.length} import cycle${cycles.length === 1 ? '' : 's'} (${files} files checked); move what the files share to the lower one`,
    );
    process.exit(1);
  }
  console.log(`cycle check: ok (${files} files checked)`);
}
