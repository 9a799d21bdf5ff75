import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastLines, logFileName } from '../../../core/agent/process/logs.js';

function tmp(t: { after(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

test('log file names are safe and readable', () => {
  assert.equal(logFileName('env-1/readout-0'), 'env-1_readout-0.log');
  assert.equal(logFileName('../x'), '__x.log');
});

test('lastLines keeps the partial last line', (t) => {
  const f = path.join(tmp(t), 'b.log');
  const lines = Array.from({ length: 20000 }, (_, i) => `line ${i} ${'z'.repeat(i % 50)}`);
  fs.writeFileSync(f, lines.join('\n') + '\npartial');
  assert.deepEqual(lastLines(f, 2), [lines[19999], 'partial']);
});
