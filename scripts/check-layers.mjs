#!/usr/bin/env node
// The layer lint (docs/architecture.md, "Layers"): imports go only downward. Fails, naming the
// file, line and the rule, when a file imports from a layer it may not use (e.g. core/agent
// importing core/controller, or anything in core importing renderer/ or electron/).
// Usage: node scripts/check-layers.mjs [root]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripComments, walk } from './lib/source-files.mjs';

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));

// layer -> the layers it may import (besides itself)
const CORE_ALL = [
  'core/model',
  'core/workflow',
  'core/rpc',
  'core/store',
  'core/agent',
  'core/controller',
  'core/gateway',
  'core/local',
  'core/remote',
  'core/training',
];
const ALLOWED = {
  'core/model': [],
  'core/workflow': ['core/model'],
  'core/rpc': ['core/model'],
  'core/store': ['core/model'],
  'core/agent': ['core/rpc', 'core/model'],
  'core/controller': ['core/workflow', 'core/rpc', 'core/store', 'core/model'],
  // the console hosts training sessions (core/gateway/training/) with the walkthrough runner
  'core/gateway': ['core/rpc', 'core/model', 'core/training'],
  'core/local': ['core/rpc', 'core/model'],
  'core/remote': ['core/rpc', 'core/model'],
  // walkthroughs: read like templates (core/workflow), run against a controller, agent faults on the local stack
  'core/training': ['core/workflow', 'core/rpc', 'core/model', 'core/local'],
  'core/cli': CORE_ALL,
  // the browser code: generated message types and the pure model only
  renderer: ['core/rpc/gen', 'core/model'],
  electron: CORE_ALL,
  // the Node task SDK: what a task program imports; nothing in core/ imports it (no layer lists it)
  'sdk/node': ['core/rpc', 'core/model'],
};

// Files a layer may import beyond its rule, each with the reason. The file must stay browser-safe:
// the check below fails if it imports anything but types.
const EXCEPTIONS = [
  {
    from: 'renderer',
    file: 'core/gateway/contract.ts',
    why: 'the console wire contract shared by the gateway and the renderer (type-only imports from core/rpc/gen)',
  },
  {
    from: 'renderer',
    file: 'core/gateway/training/contract.ts',
    why: 'the training routes of the console, shared by the gateway and the renderer (type-only imports from core/training)',
  },
];

/** The layer a repo-relative path belongs to (the longest match), or null for unlayered files. */
function layerOf(rel) {
  const p = rel.split(path.sep).join('/');
  if (p.startsWith('core/rpc/gen/') || p === 'core/rpc/gen') return 'core/rpc/gen';
  const m = /^core\/([^/]+)\//.exec(p);
  if (m) return `core/${m[1]}`;
  if (p.startsWith('sdk/node/')) return 'sdk/node';
  if (p.startsWith('renderer/')) return 'renderer';
  if (p.startsWith('electron/')) return 'electron';
  return null;
}

function allowed(from, to) {
  if (from === to) return true;
  // core/rpc/gen is part of core/rpc for everyone below the renderer
  const target = to === 'core/rpc/gen' && from !== 'renderer' ? 'core/rpc' : to;
  if (from === 'core/rpc' && target === 'core/rpc') return true;
  if (from === 'core/rpc/gen') return target === 'core/rpc' || target === 'core/rpc/gen';
  return (ALLOWED[from] ?? []).includes(target);
}

const IMPORT_RES = [
  /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

const violations = [];
let files = 0;
for (const top of ['core', 'sdk', 'renderer', 'electron']) {
  for (const file of walk(path.join(root, top))) {
    const rel = path.relative(root, file);
    const from = layerOf(rel);
    if (!from) continue;
    files++;
    const src = stripComments(fs.readFileSync(file, 'utf8'));
    for (const re of IMPORT_RES) {
      re.lastIndex = 0;
      let m;
      while ((m = re.exec(src))) {
        const spec = m[1];
        if (!spec.startsWith('.') && !spec.startsWith('/')) continue; // packages and node: builtins
        const target = path.relative(root, path.resolve(path.dirname(file), spec));
        if (target.startsWith('..')) continue;
        const to = layerOf(target + (fs.existsSync(path.join(root, target)) && fs.statSync(path.join(root, target)).isDirectory() ? '/' : ''));
        if (!to || allowed(from, to)) continue;
        const targetTs = target.replace(/\.js$/, '.ts').split(path.sep).join('/');
        if (EXCEPTIONS.some((x) => x.from === from && x.file === targetTs)) continue;
        const line = src.slice(0, m.index).split('\n').length;
        violations.push(`${rel}:${line}: ${from} imports ${to} (${spec}); ${from} may import ${(ALLOWED[from] ?? []).join(', ') || 'nothing else in core'}`);
      }
    }
  }
}

// an excepted file must import only types (so that importing it pulls in no code)
for (const x of EXCEPTIONS) {
  const file = path.join(root, x.file);
  if (!fs.existsSync(file)) continue;
  const src = stripComments(fs.readFileSync(file, 'utf8'));
  const re = /\b(import|export)\s+(type\s+)?([^'"`;]*?)\bfrom\s*['"]([^'"]+)['"]/g;
  let m;
  while ((m = re.exec(src))) {
    const typeOnly = !!m[2] || /^\{\s*(type\s+[\w$]+\s*(as\s+[\w$]+\s*)?,?\s*)*\}\s*$/.test(m[3].trim());
    if (!typeOnly && (m[4].startsWith('.') || m[4].startsWith('/'))) {
      const line = src.slice(0, m.index).split('\n').length;
      violations.push(`${x.file}:${line}: imports code from ${m[4]}, but ${x.from}/ may import this file only because it is type-only (${x.why})`);
    }
  }
}

if (violations.length) {
  for (const v of violations) console.error(v);
  console.error(`layer check: ${violations.length} import${violations.length === 1 ? '' : 's'} against docs/architecture.md "Layers" (${files} files checked)`);
  process.exit(1);
}
console.log(`layer check: ok (${files} files checked)`);
