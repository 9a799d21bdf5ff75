import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameReader, frameHeader } from '../../../sdk/node/frames.js';
import { parseEndpoint } from '../../../sdk/node/channels.js';

const PROGRAMS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets/programs');

test('a controlled program started outside an agent says why and exits 2', () => {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('BATON_')) delete env[k];
  const r = spawnSync(process.execPath, [path.join(PROGRAMS, 'demo-task.js')], { env, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /BATON_CONTROL, BATON_TASK_ID, BATON_TASK_TOKEN are not set/);
});

test('frames survive arbitrary chunking', () => {
  const msgs = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70000, 7), Buffer.from('last')];
  const stream = Buffer.concat(msgs.flatMap((m) => [frameHeader(m.length), m]));
  const r = new FrameReader();
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 333) out.push(...r.push(stream.subarray(i, i + 333)));
  assert.deepEqual(out.map((b) => b.length), [1, 0, 70000, 4]);
  assert.equal(out[3]!.toString(), 'last');
  assert.throws(() => new FrameReader().push(Buffer.from([0xff, 0xff, 0xff, 0xff])), /over the/);
});

test('channel addresses', () => {
  assert.deepEqual(parseEndpoint('tcp://127.0.0.1:5000'), { host: '127.0.0.1', port: 5000 });
  assert.deepEqual(parseEndpoint('unix:///tmp/x.sock'), { path: '/tmp/x.sock' });
  assert.throws(() => parseEndpoint('http://x'), /expected tcp/);
});
