// The layer lint (scripts/check-layers.mjs): passes on the tree, fails naming file and rule on a
// downward-only violation. The cycle check (scripts/check-cycles.mjs): passes on the tree, fails
// naming the chain of files on an import cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, tempHome } from './harness.js';

const SCRIPT = path.join(ROOT, 'scripts', 'check-layers.mjs');

function lint(root: string) {
  return spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
}

function write(root: string, file: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

test('the tree follows the layers', () => {
  const r = lint(ROOT);
  assert.equal(r.status, 0, r.stderr);
});

test('imports against the layers are reported with file, line and rule', () => {
  const root = tempHome();
  try {
    write(root, 'core/model/states.ts', 'export const x = 1;\n');
    write(root, 'core/controller/core.ts', "import { x } from '../model/states.js';\nexport const y = x;\n");
    write(
      root,
      'core/agent/agent.ts',
      "// import { y } from '../controller/core.js'; (a comment does not count)\nimport { y } from '../controller/core.js';\n",
    );
    write(root, 'core/workflow/w.ts', "export async function f() { return import('../store/s.js'); }\n");
    write(root, 'core/store/s.ts', 'export {};\n');
    write(root, 'core/rpc/r.ts', "import '../../renderer/src/x.js';\n");
    write(root, 'renderer/src/x.ts', "import { ControlClient } from '../../core/rpc/gen/control.js';\nimport { y } from '../../core/controller/core.js';\n");
    write(root, 'core/rpc/gen/control.ts', 'export const ControlClient = 1;\n');
    write(root, 'core/cli/main.ts', "import '../controller/core.js';\nimport '../agent/agent.js';\n");
    const r = lint(root);
    assert.equal(r.status, 1);
    const lines = r.stderr.trim().split('\n');
    assert.ok(
      lines.some((l) => l.startsWith('core/agent/agent.ts:2: core/agent imports core/controller')),
      r.stderr,
    );
    assert.ok(
      lines.some((l) => l.startsWith('core/workflow/w.ts:1: core/workflow imports core/store')),
      r.stderr,
    );
    assert.ok(
      lines.some((l) => l.startsWith('core/rpc/r.ts:1: core/rpc imports renderer')),
      r.stderr,
    );
    assert.ok(
      lines.some((l) => l.startsWith('renderer/src/x.ts:2: renderer imports core/controller')),
      r.stderr,
    );
    assert.ok(!lines.some((l) => l.startsWith('core/cli/')), 'the CLI may import anything in core');
    assert.ok(!lines.some((l) => l.includes('renderer/src/x.ts:1:')), 'the renderer may use the generated types');
    assert.equal(lines.filter((l) => /^\S+:\d+: /.test(l)).length, 4);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

const CYCLES = path.join(ROOT, 'scripts', 'check-cycles.mjs');

function cycles(root: string) {
  return spawnSync(process.execPath, [CYCLES, root], { encoding: 'utf8' });
}

test('the tree has no import cycles', () => {
  const r = cycles(ROOT);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /cycle check: ok/);
});

test('an import cycle is reported as the chain of files and lines', () => {
  const root = tempHome();
  try {
    // two files importing each other's values
    write(root, 'core/workflow/a.ts', "import { b } from './b.js';\nexport const a = () => b;\n");
    write(root, 'core/workflow/b.ts', "// import { a } from './a.js'; (a comment does not count)\nimport { a } from './a.js';\nexport const b = () => a;\n");
    // three files, through a re-export and a dynamic import
    write(root, 'core/store/x.ts', "export { y } from './y.js';\n");
    write(root, 'core/store/y.ts', "export const y = 1;\nexport async function z() { return import('./z.js'); }\n");
    write(root, 'core/store/z.ts', "import { y } from './x.js';\nexport const w = y;\n");
    // a lower folder knowing a higher one through types only still fails
    write(root, 'core/controller/model/env.ts', "import type { Ctx } from '../transitions/ctx.js';\nexport class Env { ctx: Ctx | null = null; }\n");
    write(root, 'core/controller/transitions/ctx.ts', "import { type Env } from '../model/env.js';\nexport class Ctx { constructor(readonly env: Env) {} }\n");
    // not cycles: one-way imports, packages
    write(root, 'core/model/m.ts', "import fs from 'node:fs';\nexport const m = fs;\n");
    write(root, 'core/agent/g.ts', "import { m } from '../model/m.js';\nexport const g = m;\n");
    const r = cycles(root);
    assert.equal(r.status, 1, r.stdout);
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.includes('import cycle: core/workflow/a.ts:1 -> core/workflow/b.ts:2 -> core/workflow/a.ts'), r.stderr);
    assert.ok(lines.includes('import cycle: core/store/x.ts:1 -> core/store/y.ts:2 -> core/store/z.ts:1 -> core/store/x.ts'), r.stderr);
    assert.ok(lines.includes('import cycle: core/controller/model/env.ts:1 -> core/controller/transitions/ctx.ts:1 -> core/controller/model/env.ts'), r.stderr);
    assert.ok(!r.stderr.includes('core/model/m.ts') && !r.stderr.includes('core/agent/g.ts'), r.stderr);
    assert.match(lines.at(-1)!, /^cycle check: 3 import cycles/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a type-only cycle inside one folder is a note, not a failure; a value import makes it one', () => {
  const root = tempHome();
  try {
    write(root, 'core/controller/model/env.ts', "import { Task } from './task.js';\nexport class Env { tasks = [new Task(this)]; }\n");
    write(root, 'core/controller/model/task.ts', "import type { Env } from './env.js';\nexport class Task { constructor(readonly env: Env) {} }\n");
    let r = cycles(root);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /note: type-only import cycle inside one folder \(allowed\): core\/controller\/model\/env.ts:1 -> core\/controller\/model\/task.ts:1 -> core\/controller\/model\/env.ts/,
    );
    // `import { type Env, other }` brings code in: the cycle is real
    write(
      root,
      'core/controller/model/task.ts',
      "import { type Env, other } from './env.js';\nexport class Task { constructor(readonly env: Env) { other(); } }\n",
    );
    write(
      root,
      'core/controller/model/env.ts',
      "import { Task } from './task.js';\nexport class Env { tasks = [new Task(this)]; }\nexport function other() {}\n",
    );
    r = cycles(root);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /import cycle: core\/controller\/model\/env.ts:1 -> core\/controller\/model\/task.ts:1 -> core\/controller\/model\/env.ts/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('sdk/node may import core/rpc and core/model; nothing in core may import sdk/node', () => {
  const root = tempHome();
  try {
    write(root, 'core/model/states.ts', 'export const x = 1;\n');
    write(root, 'core/rpc/address.ts', "import { x } from '../model/states.js';\nexport const y = x;\n");
    write(root, 'core/agent/agent.ts', "import '../model/states.js';\n");
    write(root, 'sdk/node/task.ts', "import { y } from '../../core/rpc/address.js';\nimport '../../core/agent/agent.js';\nexport const z = y;\n");
    write(root, 'sdk/node/examples/example.ts', "import { z } from '../task.js';\nexport const w = z;\n");
    write(root, 'core/agent/uses-sdk.ts', "import '../../sdk/node/task.js';\n");
    write(root, 'core/cli/main.ts', "import '../../sdk/node/task.js';\n");
    const r = lint(root);
    assert.equal(r.status, 1);
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => /^\S+:\d+: /.test(l));
    assert.deepEqual(lines.map((l) => l.slice(0, l.indexOf(' ('))).sort(), [
      'core/agent/uses-sdk.ts:1: core/agent imports sdk/node',
      'core/cli/main.ts:1: core/cli imports sdk/node',
      'sdk/node/task.ts:2: sdk/node imports core/agent',
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
