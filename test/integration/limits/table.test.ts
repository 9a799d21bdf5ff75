// Every request message of proto/control.proto has a limit for each of its fields in the
// controller's limits table (core/controller/server/limits.ts): a new RPC, or a new field of a
// request, without one fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../cli/harness.js';
import { REQUEST_LIMITS, checkRequest } from '../../../core/controller/server/limits.js';
import { BatonError } from '../../../core/model/errors.js';

/** rpc name -> request message name, and message name -> its field names (snake_case). */
function readProto(): { requests: Map<string, string>; fields: Map<string, string[]> } {
  const text = fs.readFileSync(path.join(ROOT, 'proto', 'control.proto'), 'utf8').replace(/\/\/.*$/gm, '');
  const service = /service\s+Control\s*\{([\s\S]*?)\n\}/.exec(text);
  assert.ok(service, 'control.proto has service Control');
  const requests = new Map<string, string>();
  for (const m of service[1]!.matchAll(/rpc\s+(\w+)\s*\(\s*(?:stream\s+)?([\w.]+)\s*\)/g)) requests.set(m[1]!, m[2]!);
  const fields = new Map<string, string[]>();
  for (const m of text.matchAll(/^message\s+(\w+)\s*\{([^{}]*)\}/gm)) {
    // one field per statement (some messages are written on one line)
    const names = m[2]!
      .split(';')
      .map((f) => /^\s*(?:optional\s+|repeated\s+)?(?:map<[^>]+>|[\w.]+)\s+(\w+)\s*=\s*\d+\s*$/.exec(f)?.[1])
      .filter((f): f is string => !!f);
    fields.set(m[1]!, names);
  }
  return { requests, fields };
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

test('every Control request message has a limit for every field', () => {
  const { requests, fields } = readProto();
  assert.ok(requests.size >= 17, `found the rpcs of control.proto (${requests.size})`);
  const missing: string[] = [];
  for (const [rpc, message] of requests) {
    const table = REQUEST_LIMITS[message];
    if (!table) {
      missing.push(`${message} (request of ${rpc}) has no entry`);
      continue;
    }
    const protoFields = fields.get(message);
    assert.ok(protoFields, `message ${message} is in control.proto`);
    for (const f of protoFields) if (!table[camel(f)]) missing.push(`${message}.${f} has no limit`);
    for (const f of Object.keys(table)) if (!protoFields.map(camel).includes(f)) missing.push(`${message}.${f} is in the table but not in control.proto`);
  }
  assert.deepEqual(missing, []);
});

test('a request over a limit is BAD_INPUT naming the limit and the field', () => {
  const bad = (message: string, request: unknown, limit: RegExp, where: RegExp) => {
    assert.throws(
      () => checkRequest(message, request),
      (e: BatonError) => {
        assert.equal(e.code, 'BAD_INPUT');
        assert.match(e.message, limit);
        assert.match(e.detail.where ?? '', where);
        return true;
      },
    );
  };
  bad('LintTemplateRequest', { path: 'x.yaml', content: 'a'.repeat(2 * 1024 * 1024) }, /LintTemplateRequest\.content/, /^content$/);
  bad('CreateEnvironmentRequest', { workflow: 'quick', vars: { big: 'x'.repeat(65 * 1024) } }, /CreateEnvironmentRequest\.vars\.value/, /vars\.big/);
  bad(
    'CreateEnvironmentRequest',
    { workflow: 'quick', vars: Object.fromEntries(Array.from({ length: 1001 }, (_v, i) => [`v${i}`, '1'])) },
    /vars\.entries/,
    /vars/,
  );
  bad('CreateEnvironmentRequest', { workflow: 'quick', owner: 'o'.repeat(300) }, /CreateEnvironmentRequest\.owner/, /owner/);
  bad('SubscribeRequest', { kinds: Array.from({ length: 65 }, () => 'task.') }, /SubscribeRequest\.kinds\.items/, /kinds/);
  bad('TaskLogsRequest', { taskId: 't', tail: 2_000_000 }, /TaskLogsRequest\.tail/, /tail/);
  // multi-byte text counts in bytes
  bad('CreateEnvironmentRequest', { workflow: 'quick', owner: 'é'.repeat(200) }, /owner/, /owner/);
  checkRequest('CreateEnvironmentRequest', { workflow: 'quick', vars: { message: 'hello' }, owner: 'me' });
});
