// `npm start` where Electron's binary is not installed (this machine): it serves the same console
// to a browser through the gateway, on a local stack it starts, prints the address, and on Ctrl-C
// stops the stack it started, leaving nothing behind. Needs dist/electron/ (tsc -p electron/tsconfig.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, Stack, eventually } from './support.js';

const START = path.join(ROOT, 'dist', 'electron', 'start.js');
// not built is a failure, not a skip: npm run build makes both
if (!fs.existsSync(START)) throw new Error('dist/electron/start.js is not built (npm run build)');
if (!fs.existsSync(path.join(ROOT, 'dist-renderer', 'index.html'))) throw new Error('the console is not built (npm run build)');

test('npm start without Electron serves the web console on a local stack and cleans up on Ctrl-C', { timeout: 180_000 }, async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-start-'));
  const stack = new Stack(home);
  const child = spawn(process.execPath, [START], { cwd: ROOT, env: { ...stack.env, BATON_NO_ELECTRON: '1' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    const openUrl = await eventually('the console address', async () => /Open (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(out)?.[1], 120_000);
    assert.match(out, /Electron is not installed here: serving the web console instead/);
    const page = await fetch(openUrl);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const token = new URL(openUrl).hash.replace('#token=', '');
    const info = await fetch(new URL('/api/ListNodes', openUrl), {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json', 'x-baton-console-token': token },
    });
    assert.equal(info.status, 200);
    assert.equal(((await info.json()) as { nodes: unknown[] }).nodes.length, 2);
    assert.ok(fs.existsSync(path.join(home, 'local', 'state.json')), 'a local stack runs');
  } finally {
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 0, err);
  }
  assert.ok(!fs.existsSync(path.join(home, 'local', 'state.json')), 'the stack it started is down');
  const status = await stack.baton(['local', 'status', '--json']);
  assert.equal((JSON.parse(status.stdout) as { running: boolean }).running, false);
  fs.rmSync(home, { recursive: true, force: true });
});
