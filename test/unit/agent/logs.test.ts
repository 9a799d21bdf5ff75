import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastLines, logFileName, openLogFd, rotateIfBig } from '../../../core/agent/process/logs.js';
import { readLines, tailLines } from '../../../core/agent/process/log-reader.js';

function tmp(t: { after(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

test('log file names are safe and readable', () => {
  assert.equal(logFileName('env-1/readout-0'), 'env-1_readout-0.log');
  assert.equal(logFileName('../x'), '__x.log');
});

test('rotation copies to .1 and truncates; a writer in append mode keeps writing', async (t) => {
  const f = path.join(tmp(t), 'logs', 'a.log');
  const fd = openLogFd(f);
  fs.writeSync(fd, 'x'.repeat(100) + '\n');
  assert.equal(await rotateIfBig(f, 1000), false);
  fs.writeSync(fd, 'y'.repeat(1000) + '\n');
  assert.equal(await rotateIfBig(f, 1000), true);
  assert.equal(fs.statSync(f).size, 0);
  assert.equal(fs.statSync(`${f}.1`).size, 1102);
  fs.writeSync(fd, 'after\n');
  fs.closeSync(fd);
  assert.equal(fs.readFileSync(f, 'utf8'), 'after\n', 'appends land at the start of the truncated file');
});

test('lastLines, tailLines with grep across chunk boundaries, readLines keeps partial lines back', (t) => {
  const f = path.join(tmp(t), 'b.log');
  const lines = Array.from({ length: 20000 }, (_, i) => `line ${i} ${'z'.repeat(i % 50)}`);
  fs.writeFileSync(f, lines.join('\n') + '\npartial');
  assert.deepEqual(lastLines(f, 2), [lines[19999], 'partial']);
  const size = fs.statSync(f).size;
  assert.deepEqual(tailLines(f, 3, '', size), [lines[19998], lines[19999], 'partial']);
  assert.deepEqual(tailLines(f, 2, 'line 1000', size), [lines[10008], lines[10009]]);
  const r = readLines(f, 0, size, '');
  assert.equal(r.lines.length, 20000);
  assert.equal(r.next, size - 'partial'.length);
  assert.deepEqual(tailLines(f, 5, 'nothing-like-this', size), []);
});
