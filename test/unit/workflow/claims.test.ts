// A workflow's claims: literal, from a list var as one expression, or item by item; none when
// absent; a value of the wrong kind is a located BAD_TEMPLATE at expand (and at lint).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatonError } from '../../../core/model/errors.js';
import { loader } from './helpers.js';

function repo(workflow: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-claims-'));
  fs.mkdirSync(path.join(dir, 'workflows'));
  fs.mkdirSync(path.join(dir, 'tasks'));
  fs.writeFileSync(path.join(dir, 'workflows', 'w.yaml'), workflow);
  fs.writeFileSync(path.join(dir, 'tasks', 'job.yaml'), 'name: job\ndriver: sim\ncontrol: controlled\n');
  return dir;
}

const ROLES = 'roles:\n  - name: a\n    task: {class: job}\n';

test('claims from a list var, and node labels from vars; none when the workflow has none', async (t) => {
  const dir = repo(
    `name: w\nvars:\n  dets: {type: list, default: [TPC, ITS]}\n  rack: r12\nclaims:\n  detectors: "{{ dets }}"\n  nodes: {rack: "{{ rack }}", zone: 2}\n${ROLES}`,
  );
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const x = await loader([dir]).expand('w', { dets: 'MFT,MCH' });
  assert.deepEqual(x.claims, { detectors: ['MFT', 'MCH'], nodes: { rack: 'r12', zone: '2' } });
  const plain = repo(`name: w\n${ROLES}`);
  t.after(() => fs.rmSync(plain, { recursive: true, force: true }));
  assert.equal((await loader([plain]).expand('w', {})).claims, undefined);
});

test('a claim of the wrong kind is a located BAD_TEMPLATE', async (t) => {
  const dir = repo(`name: w\nvars:\n  n: {type: int, default: 3}\nclaims:\n  detectors: "{{ n }}"\n${ROLES}`);
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(loader([dir]).expand('w', {}), (e: unknown) => {
    assert.ok(e instanceof BatonError);
    assert.equal(e.code, 'BAD_TEMPLATE');
    assert.match(e.message, /claims.detectors must be a list of detector names, got 3/);
    assert.match(e.detail.where ?? '', /w\.yaml:5:14$/);
    return true;
  });
  const diags = await loader([dir]).lint(path.join(dir, 'workflows', 'w.yaml'));
  assert.ok(
    diags.some((d) => d.reason === 'claims' && d.line === 5),
    JSON.stringify(diags),
  );
});
