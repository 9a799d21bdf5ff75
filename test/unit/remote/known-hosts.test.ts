// The host-key check of `baton node bootstrap` (core/remote/bootstrap/known-hosts.ts) on
// known_hosts files as OpenSSH writes them: plain and hashed names, [host]:port, patterns,
// negation, @revoked and @cert-authority lines.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { knownKeys, verdictOf } from '../../../core/remote/bootstrap/known-hosts.js';

const keyA = randomBytes(51);
const keyB = randomBytes(51);
const b64 = (b: Buffer) => b.toString('base64');

function file(lines: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-kh-'));
  const f = path.join(dir, 'known_hosts');
  fs.writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

test('a listed key is ok, another key for the same host is a mismatch, an unlisted host is unknown', () => {
  const f = file(['# comment', `daq-07,10.0.0.7 ssh-ed25519 ${b64(keyA)}`, `[10.0.0.8]:2222 ssh-ed25519 ${b64(keyB)}`]);
  assert.equal(verdictOf(knownKeys(f, '10.0.0.7', 22), keyA), 'ok');
  assert.equal(verdictOf(knownKeys(f, 'daq-07', 22), keyB), 'mismatch');
  assert.equal(verdictOf(knownKeys(f, '10.0.0.8', 2222), keyB), 'ok');
  // the same address on port 22 is another entry
  assert.equal(verdictOf(knownKeys(f, '10.0.0.8', 22), keyB), 'unknown');
  assert.equal(verdictOf(knownKeys(f, 'daq-99', 22), keyA), 'unknown');
  assert.equal(verdictOf(knownKeys(path.join(path.dirname(f), 'none'), 'daq-07', 22), keyA), 'unknown');
});

test('hashed names, wildcards and negation', () => {
  const f = file([`${hashed('[10.0.0.9]:2200')} ssh-ed25519 ${b64(keyA)}`, `*.farm.example.org,!bad.farm.example.org ssh-ed25519 ${b64(keyB)}`]);
  assert.equal(verdictOf(knownKeys(f, '10.0.0.9', 2200), keyA), 'ok');
  assert.equal(verdictOf(knownKeys(f, '10.0.0.9', 2200), keyB), 'mismatch');
  assert.equal(verdictOf(knownKeys(f, 'daq-1.farm.example.org', 22), keyB), 'ok');
  assert.equal(verdictOf(knownKeys(f, 'bad.farm.example.org', 22), keyB), 'unknown');
});

test('@revoked refuses a key even when it is also listed; @cert-authority lines are no host keys', () => {
  const f = file([`daq-07 ssh-ed25519 ${b64(keyA)}`, `@revoked daq-07 ssh-ed25519 ${b64(keyA)}`, `@cert-authority *.example.org ssh-ed25519 ${b64(keyB)}`]);
  assert.equal(verdictOf(knownKeys(f, 'daq-07', 22), keyA), 'revoked');
  assert.equal(verdictOf(knownKeys(f, 'x.example.org', 22), keyB), 'unknown');
});
