// What the audit trail keeps of a request: small whatever was sent, nothing secret, defaults left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trimArgs } from '../../../core/controller/audit/args.js';

test('long strings, big maps and long lists are cut with their size', () => {
  const vars: Record<string, string> = {};
  for (let i = 0; i < 50; i++) vars[`v${i}`] = String(i);
  const json = trimArgs({ workflow: 'daq-chain', vars, note: 'n'.repeat(5000), hosts: Array.from({ length: 30 }, (_, i) => `h${i}`) });
  assert.ok(json.length < 1200, `${json.length} bytes`);
  const args = JSON.parse(json);
  assert.equal(args.workflow, 'daq-chain');
  assert.equal(Object.keys(args.vars).length, 21);
  assert.equal(args.vars['…'], '30 more');
  assert.match(args.note, /^n{200}… \(5000 bytes\)$/);
  assert.equal(args.hosts.length, 21);
  assert.equal(args.hosts[20], '… 10 more');
});

test('secrets are hidden and default values left out', () => {
  const args = JSON.parse(trimArgs({ name: 'alice', token: 'abc', newPassword: 'p', force: false, timeoutMs: 0, owner: '', args: {}, tags: [] }));
  assert.deepEqual(args, { name: 'alice', token: '***', newPassword: '***' });
});

test('deep values are summarised, and nothing at all is an empty object', () => {
  const args = JSON.parse(trimArgs({ a: { b: { c: { d: { e: 1 } } } } }));
  assert.deepEqual(args, { a: { b: { c: { d: '(map)' } } } });
  assert.equal(trimArgs(undefined), '{}');
});
