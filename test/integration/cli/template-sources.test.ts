// A standalone `baton controller` takes workflows only from its template repos (`baton env create
// FILE` is refused naming the file and the repos); --allow-local-templates lets the file in, but
// its exec hook still needs trust. And the controller makes its world-readable home 0700.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BATON, ROOT, baton, cleanEnv, pollUntil, tempHome } from './harness.js';

const TOKEN = 'sources-token';
const WORKFLOW = `roles:
  - name: worker
    task: {class: demo}
  - name: payload
    call: {func: exec, args: {command: "touch /tmp/never"}, trigger: after_DEPLOY}
`;

async function withController(home: string, flags: string[], body: (address: string) => Promise<void>): Promise<void> {
  const address = `unix://${home}/c.sock`;
  const child = spawn(process.execPath, [BATON, 'controller', '--listen', address, ...flags], {
    env: cleanEnv(home, { BATON_TOKEN: TOKEN }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  try {
    await pollUntil(
      async () => out,
      (o) => o.includes('listening on'),
      20_000,
    );
    await body(address);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

test('baton env create FILE: refused outside the repos; with --allow-local-templates an exec hook still needs trust', async () => {
  const home = tempHome();
  fs.chmodSync(home, 0o755);
  const file = path.join(home, 'mine', 'workflows', 'mine.yaml');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, WORKFLOW);
  const create = (address: string) =>
    baton(home, ['--controller', address, '--token', TOKEN, 'env', 'create', file, '--json'], { env: { BATON_TOKEN: TOKEN } });
  try {
    await withController(home, [], async (address) => {
      assert.equal(fs.statSync(home).mode & 0o777, 0o700, 'the controller made its home 0700');
      const r = await create(address);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      const err = JSON.parse(r.stdout).error;
      assert.equal(err.code, 'BAD_INPUT');
      assert.ok(err.message.includes(file), err.message);
      assert.ok(err.message.includes(path.join(ROOT, 'assets')), `names the configured repos: ${err.message}`);
    });
    await withController(home, ['--allow-local-templates'], async (address) => {
      const r = await create(address);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      const err = JSON.parse(r.stdout).error;
      assert.equal(err.code, 'BAD_TEMPLATE');
      assert.equal(err.where, `${file}:5:18`);
      assert.match(err.message, /exec hooks run only from trusted template repos/);
    });
    const partial = await baton(home, ['controller', '--trust-local-templates']);
    assert.equal(partial.code, 2);
    assert.match(partial.stdout + partial.stderr, /--trust-local-templates needs --allow-local-templates/);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
