// The agent's log journal and reader: capture times, markers in place, pages by position, tail,
// search (substring, regex, since), rotation with stable positions. Real files, a real writer in
// append mode (as a task's stdout), real inotify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openLogFd } from '../../../core/agent/process/logs.js';
import { LogJournal } from '../../../core/agent/logs/journal.js';
import { readIndex } from '../../../core/agent/logs/index-file.js';
import { readForward, readTail, type LogFilter } from '../../../core/agent/logs/read.js';

const ALL: LogFilter = { grep: '', regex: false, sinceMs: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tmp(t: { after(fn: () => void): void }): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

function journal(t: { after(fn: () => void): void }): LogJournal {
  const j = new LogJournal(20);
  j.start();
  t.after(() => j.stop());
  return j;
}

test('lines get the time they were written, markers sit where they happened, the log stays plain', async (t) => {
  const f = path.join(tmp(t), 'a.log');
  const j = journal(t);
  const fd = openLogFd(f);
  j.started(f, j.sizeBeforeStart(f), 4242);
  fs.writeSync(fd, 'first\n');
  await sleep(300);
  const between = Date.now();
  await sleep(50);
  fs.writeSync(fd, 'second\n');
  await sleep(100);
  j.mark(f, 'transition', 'CONFIGURE');
  fs.writeSync(fd, 'third');
  fs.closeSync(fd);
  await sleep(100);
  j.exited(f, 'crash', 'crashed: exit code 3');
  assert.equal(fs.readFileSync(f, 'utf8'), 'first\nsecond\nthird', 'the log holds only what the task wrote');
  const r = readForward(f, 0, 100, ALL, { complete: true, markers: true });
  assert.deepEqual(
    r.entries.map((e) => (e.marker ? `[${e.marker}] ${e.text}` : e.text)),
    ['[start] started, pid 4242', 'first', 'second', '[transition] CONFIGURE', 'third', '[crash] crashed: exit code 3'],
  );
  const [, first, second] = r.entries;
  assert.ok(first!.timeMs > 0 && first!.timeMs < between, 'the first line has its own time');
  assert.ok(second!.timeMs >= between, 'a later line has a later time');
  const since = readForward(f, 0, 100, { ...ALL, sinceMs: between }, { complete: true, markers: false });
  assert.deepEqual(
    since.entries.map((e) => e.text),
    ['second', 'third'],
  );
  assert.equal(r.next, Buffer.byteLength('first\nsecond\nthird'));
});

test('pages forward and back by position, across chunk boundaries, with a partial last line held back', (t) => {
  const f = path.join(tmp(t), 'b.log');
  const lines = Array.from({ length: 30000 }, (_, i) => `line ${i} ${'z'.repeat(i % 70)}`);
  fs.writeFileSync(f, lines.join('\n') + '\npartial');
  const page1 = readForward(f, 0, 1000, ALL, { complete: false, markers: true });
  assert.equal(page1.entries.length, 1000);
  assert.equal(page1.truncated, true);
  const page2 = readForward(f, page1.next, 1000, ALL, { complete: false, markers: true });
  assert.equal(page2.entries[0]!.text, lines[1000]);
  const tail = readTail(f, 3, 0, ALL, { complete: false, markers: true });
  assert.deepEqual(
    tail.entries.map((e) => e.text),
    lines.slice(-3),
    'the partial line is not complete yet',
  );
  const before = readTail(f, 2, tail.entries[0]!.position, ALL, { complete: false, markers: true });
  assert.deepEqual(
    before.entries.map((e) => e.text),
    [lines[29995], lines[29996]],
    'the page before the tail ends where the tail begins',
  );
  assert.deepEqual(
    readTail(f, 1, 0, ALL, { complete: true, markers: true }).entries.map((e) => e.text),
    ['partial'],
  );
  const grep = readForward(f, 0, 100, { ...ALL, grep: 'line 2999' }, { complete: true, markers: false });
  assert.deepEqual(
    grep.entries.map((e) => e.text.split(' ').slice(0, 2).join(' ')),
    ['line 2999', ...Array.from({ length: 10 }, (_, i) => `line ${29990 + i}`)],
  );
  const re = readForward(f, 0, 100, { ...ALL, grep: '^line 1234[0-9] z{25}$', regex: true }, { complete: true, markers: false });
  assert.deepEqual(
    re.entries.map((e) => e.text),
    [lines[12345]],
  );
  assert.throws(() => readForward(f, 0, 1, { ...ALL, grep: '(', regex: true }, { complete: true, markers: false }), /not a regular expression/);
});

test('rotation keeps positions: a reader resuming at an old position gets the rest once', async (t) => {
  const f = path.join(tmp(t), 'c.log');
  const j = journal(t);
  const fd = openLogFd(f);
  j.started(f, 0, 1);
  for (let i = 0; i < 100; i++) fs.writeSync(fd, `before ${i}\n`);
  await sleep(60);
  const mid = readForward(f, 0, 50, ALL, { complete: false, markers: false });
  assert.equal(await j.rotateIfBig(f, 100), true);
  for (let i = 0; i < 10; i++) fs.writeSync(fd, `after ${i}\n`);
  fs.closeSync(fd);
  await sleep(60);
  assert.ok(readIndex(f).base > 0, 'the new file starts at the position where the old one ended');
  const rest = readForward(f, mid.next, 1000, ALL, { complete: true, markers: false });
  const texts = rest.entries.map((e) => e.text);
  assert.equal(texts[0], 'before 50');
  assert.equal(texts.length, 60);
  assert.equal(texts[texts.length - 1], 'after 9');
  const all = readForward(f, 0, 1000, ALL, { complete: true, markers: false });
  assert.equal(all.entries.length, 110, 'the rotated part and the current file read as one log');
});

test('an exit the agent caused is written on the next tick, a relaunch of the same log is watched anew', async (t) => {
  const f = path.join(tmp(t), 'b.log');
  const j = journal(t);
  const fd = openLogFd(f);
  j.started(f, j.sizeBeforeStart(f), 7);
  fs.writeSync(fd, 'one\n');
  fs.closeSync(fd);
  await sleep(100);
  j.exited(f, 'exit', 'killed by SIGTERM', true);
  const markers = () =>
    readForward(f, 0, 100, ALL, { complete: true, markers: true })
      .entries.filter((e) => e.marker)
      .map((e) => `[${e.marker}] ${e.text}`);
  await sleep(300);
  assert.deepEqual(markers(), ['[start] started, pid 7', '[exit] killed by SIGTERM'], 'the exit marker is there after a tick');
  // relaunched writing to the same log, and its exit is still to be closed when it starts again
  const fd2 = openLogFd(f);
  j.started(f, j.sizeBeforeStart(f), 8);
  j.exited(f, 'exit', 'killed by SIGTERM', true);
  j.started(f, j.sizeBeforeStart(f), 9);
  fs.writeSync(fd2, 'two\n');
  fs.closeSync(fd2);
  await sleep(300);
  j.exited(f, 'crash', 'crashed: exit code 3');
  const r = readForward(f, 0, 100, ALL, { complete: true, markers: true });
  assert.deepEqual(
    r.entries.map((e) => (e.marker ? `[${e.marker}] ${e.text}` : e.text)),
    [
      '[start] started, pid 7',
      'one',
      '[exit] killed by SIGTERM',
      '[start] started, pid 8',
      '[exit] killed by SIGTERM',
      '[start] started, pid 9',
      'two',
      '[crash] crashed: exit code 3',
    ],
  );
});

test('the markers of a task being terminated are written with its exit marker, not on the next tick', async (t) => {
  const f = path.join(tmp(t), 'c.log');
  const j = new LogJournal(100); // holds such markers up to 10 ticks (1 s)
  j.start();
  t.after(() => j.stop());
  const fd = openLogFd(f);
  j.started(f, j.sizeBeforeStart(f), 11);
  fs.writeSync(fd, 'working\n');
  fs.closeSync(fd);
  await sleep(250); // the start marker and the line's time are written on a tick
  const markers = () =>
    readForward(f, 0, 100, ALL, { complete: true, markers: true })
      .entries.filter((e) => e.marker)
      .map((e) => `[${e.marker}] ${e.text}`);
  assert.deepEqual(markers(), ['[start] started, pid 11']);
  // an EXIT of a basic task: signalled, then marked; its index waits for the exit
  j.markEnding(f, 'transition', 'EXIT');
  await sleep(250);
  assert.deepEqual(markers(), ['[start] started, pid 11'], 'not written on the ticks while the task is being terminated');
  j.exited(f, 'exit', 'exited: killed by SIGTERM', true);
  await sleep(450); // a tick that sees the exit, then one without exits closes it
  assert.deepEqual(markers(), ['[start] started, pid 11', '[transition] EXIT', '[exit] exited: killed by SIGTERM'], 'both, in order, with the exit');
});
