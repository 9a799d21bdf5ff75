// The desktop app's core in its own process, run under plain Node here (Electron's binary cannot
// be downloaded on this machine; the same code runs under Electron-as-Node in the packaged app):
// the child starts a real local stack and the console gateway, the parent gets the console's
// address over IPC, and stopping it takes the local stack down. Also which runtime is chosen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCoreProcess } from '../../../electron/core-process.js';
import { findCoreRuntime } from '../../../electron/node-runtime.js';
import { localStatus } from '../../../core/local/index.js';

test('the runtime: BATON_NODE when set, node from PATH in development, Electron as Node when packaged', () => {
  const execPath = '/opt/Baton/baton';
  const named = findCoreRuntime({ env: { BATON_NODE: process.execPath }, packaged: true, execPath });
  assert.deepEqual([named.command, named.env], [process.execPath, {}]);
  assert.throws(() => findCoreRuntime({ env: { BATON_NODE: '/nowhere/node' }, packaged: false, execPath }), /BATON_NODE=\/nowhere\/node is not an executable/);
  const dev = findCoreRuntime({ env: { PATH: path.dirname(process.execPath) }, packaged: false, execPath });
  assert.equal(dev.command, path.join(path.dirname(process.execPath), 'node'));
  assert.throws(() => findCoreRuntime({ env: { PATH: '/nowhere' }, packaged: false, execPath }), /no `node` on PATH/);
  const packaged = findCoreRuntime({ env: {}, packaged: true, execPath });
  assert.deepEqual([packaged.command, packaged.env], [execPath, { ELECTRON_RUN_AS_NODE: '1' }]);
});

test('the core process starts the local stack and the console, and takes them down when stopped', { timeout: 120_000 }, async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-desktop-'));
  // the local stack of this home, not a controller the environment may name
  const { BATON_CONTROLLER: _controller, BATON_TOKEN: _token, ...inherited } = process.env;
  const env = { ...inherited, BATON_HOME: home };
  const lines: string[] = [];
  const core = await startCoreProcess(findCoreRuntime({ env: { BATON_NODE: process.execPath }, packaged: true, execPath: '' }), {
    env,
    log: (l) => lines.push(l),
  });
  t.after(async () => {
    await core.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  assert.notEqual(core.pid, process.pid);
  assert.match(core.describe, new RegExp(`local stack in ${home}; core run by Node at`));
  assert.ok(
    lines.some((l) => l.startsWith('starting a local stack')),
    lines.join('\n'),
  );
  const page = await fetch(core.gateway.url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="root">/);
  assert.equal((await localStatus({ home })).running, true);

  await core.stop();
  assert.equal((await localStatus({ home })).running, false, 'the local stack it started went down with it');
});
