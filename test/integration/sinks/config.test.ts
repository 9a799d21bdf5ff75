// A wrong event sink is a BAD_INPUT naming the sink and the field, and the controller starts
// nothing (no home, no store); a sinks file is read as YAML or JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startController } from '../../../core/controller/main.js';
import { checkSinkConfigs, readSinkConfigFile } from '../../../core/controller/sinks/config.js';
import type { BatonError } from '../../../core/model/errors.js';

test('a wrong sink stops the controller start before anything is made', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-sinks-'));
  const home = path.join(dir, 'home');
  try {
    await assert.rejects(
      startController({ home, listen: `unix://${dir}/c.sock`, eventSinks: [{ kind: 'webhook', name: 'hook', url: 'ftp://x/y' }] }),
      (e: BatonError) => e.code === 'BAD_INPUT' && e.detail.where === 'event sink hook.url' && /http or https/.test(e.message),
    );
    assert.equal(fs.existsSync(home), false, 'no home made');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sink checks name the field', () => {
  const bad = (input: unknown, where: string, what: RegExp) =>
    assert.throws(
      () => checkSinkConfigs(input),
      (e: BatonError) => e.code === 'BAD_INPUT' && e.detail.where === where && what.test(e.message),
    );
  bad({}, 'event sinks', /list/);
  bad([{ kind: 'kafka', name: 'k' }], 'event sink k.kind', /nats' or 'webhook/);
  bad([{ kind: 'nats', name: 'n', servers: ['http://x'] }], 'event sink n.servers', /nats:\/\/host:port/);
  bad([{ kind: 'nats', name: 'n', servers: ['nats://h:4222'], subjectPrefix: 'a.*' }], 'event sink n.subjectPrefix', /wildcards/);
  bad([{ kind: 'nats', name: 'n', servers: ['nats://h:4222'], user: 'u' }], 'event sink n.user', /together/);
  bad(
    [
      { kind: 'webhook', name: 'a', url: 'http://h/' },
      { kind: 'webhook', name: 'a', url: 'http://h/' },
    ],
    'event sinks[1].name',
    /used by another/,
  );
  bad([{ kind: 'webhook', name: 'a', url: 'http://h/', timeoutMs: 0 }], 'event sink a.timeoutMs', /above 0/);
  bad([{ kind: 'webhook', name: 'a b', url: 'http://h/' }], 'event sinks[0].name', /letters/);
});

test('a sinks file: YAML with defaults filled in', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-sinks-'));
  try {
    const file = path.join(dir, 'sinks.yaml');
    fs.writeFileSync(
      file,
      'sinks:\n  - kind: nats\n    name: bus\n    servers: nats://127.0.0.1:4222\n  - kind: webhook\n    name: hook\n    url: https://example.org/in\n',
    );
    const [nats, hook] = readSinkConfigFile(file);
    assert.deepEqual(
      { ...nats },
      {
        kind: 'nats',
        name: 'bus',
        from: 'now',
        batchSize: 500,
        retryInitialMs: 500,
        retryMaxMs: 30_000,
        servers: ['nats://127.0.0.1:4222'],
        subjectPrefix: 'baton.events',
        mode: 'jetstream',
        stream: 'BATON_EVENTS',
        createStream: true,
        token: undefined,
        user: undefined,
        pass: undefined,
        timeoutMs: 5000,
      },
    );
    assert.equal(hook!.kind, 'webhook');
    assert.equal(hook!.batchSize, 100);
    fs.writeFileSync(file, '[{"kind": "webhook", "name": "x"}]');
    assert.throws(
      () => readSinkConfigFile(file),
      (e: BatonError) => e.code === 'BAD_INPUT' && e.detail.where === 'event sink x.url',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
