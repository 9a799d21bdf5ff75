import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { cpuPercent, parseCpuLine, parseMeminfo, parseProcStat, PAGE_SIZE, readProcStat } from '../../../core/agent/process/proc.js';
import { TaskSampler } from '../../../core/agent/process/metrics.js';

test('parseProcStat reads fields after a comm holding spaces and parentheses', () => {
  const line = '4242 (my (odd) task) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 987654 1000000 321 18446744073709551615';
  const st = parseProcStat(line)!;
  assert.equal(st.pid, 4242);
  assert.equal(st.comm, 'my (odd) task');
  assert.equal(st.state, 'S');
  assert.equal(st.ppid, 1);
  assert.equal(st.pgrp, 4242);
  assert.equal(st.session, 4242);
  assert.equal(st.utime, 250);
  assert.equal(st.stime, 50);
  assert.equal(st.starttime, 987654);
  assert.equal(st.rssPages, 321);
  assert.equal(parseProcStat('garbage'), null);
});

test('readProcStat of this process matches its pid', () => {
  const st = readProcStat(process.pid)!;
  assert.equal(st.pid, process.pid);
  assert.ok(st.starttime > 0);
});

test('a task sample reads its rss from /proc/<pid>/stat, the same resident count as statm', () => {
  const statm = () => Number(fs.readFileSync(`/proc/${process.pid}/statm`, 'latin1').split(' ')[1]) * PAGE_SIZE;
  const before = statm();
  const { rss } = new TaskSampler().sample(process.pid);
  const after = statm();
  // this process allocates between the reads: allow a little drift either way
  assert.ok(rss >= Math.min(before, after) - 2 ** 20 && rss <= Math.max(before, after) + 2 ** 20, `${rss} vs ${before}..${after}`);
});

test('/proc/stat cpu and meminfo', () => {
  const a = parseCpuLine('cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1 2 3 4\n')!;
  const b = parseCpuLine('cpu  150 0 150 900 0 0 0 0 0 0\n')!;
  assert.deepEqual(a, { total: 1000, idle: 800 });
  assert.equal(cpuPercent(a, b), 50);
  assert.equal(cpuPercent(a, a), 0);
  const m = parseMeminfo('MemTotal:       16000000 kB\nMemFree:  1000 kB\nMemAvailable:   4000000 kB\n')!;
  assert.equal(m.total, 16000000 * 1024);
  assert.equal(m.used, 12000000 * 1024);
});
