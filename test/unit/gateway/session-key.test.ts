// The console's session key: the same across restarts for one controller and user, private
// (0600 in a 0700 folder), new for another controller or user or on request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consoleSessionKey, sessionKeyFile } from '../../../core/gateway/session-key.js';

function withHome(fn: (home: string) => void): void {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-session-'));
  try {
    fn(home);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

test('a restarted console keeps its session key; the file is 0600 in a 0700 folder', () =>
  withHome((home) => {
    const first = consoleSessionKey(home, 'unix:///x/ctl.sock', 'user-token');
    const again = consoleSessionKey(home, 'unix:///x/ctl.sock', 'user-token');
    assert.equal(again, first);
    assert.ok(first.length >= 32);
    const file = sessionKeyFile(home);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.ok(!fs.readFileSync(file, 'utf8').includes('user-token'), 'the user token is not stored');
  }));

test('another controller, another user or --new-session makes a new key', () =>
  withHome((home) => {
    const first = consoleSessionKey(home, 'unix:///x/ctl.sock', 'alice');
    const otherUser = consoleSessionKey(home, 'unix:///x/ctl.sock', 'bob');
    assert.notEqual(otherUser, first);
    const otherController = consoleSessionKey(home, '127.0.0.1:7000', 'bob');
    assert.notEqual(otherController, otherUser);
    const renewed = consoleSessionKey(home, '127.0.0.1:7000', 'bob', true);
    assert.notEqual(renewed, otherController);
    assert.equal(consoleSessionKey(home, '127.0.0.1:7000', 'bob'), renewed);
  }));

test('a damaged key file is replaced, not trusted', () =>
  withHome((home) => {
    const file = sessionKeyFile(home);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{not json');
    const key = consoleSessionKey(home, 'c', 't');
    assert.ok(key.length >= 32);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).key, key);
  }));
