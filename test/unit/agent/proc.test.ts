import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuPercent, parseCpuLine, parseMeminfo, parseProcStat, parseStatmRss, readProcStat } from '../../../core/agent/process/proc.js';

test('parseProcStat reads fields after a comm holding spaces and parentheses', () => {
  const line = '4242 (my (odd) task) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 987654 1000000 321 18446744073709551615';
  const st = parseProcStat(line)!;
  assert.equal(st.pid, 4242);
  assert.equal(st.comm, 'my (odd) task');
  assert.equal(st.state, 'S');
  assert.equal(st.ppid, 1);
  assert.equal(st.pgrp, 4242);
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

test('statm rss, /proc/stat cpu and meminfo', () => {
  assert.equal(parseStatmRss('5000 1200 300 10 0 900 0\n'), 1200);
  const a = parseCpuLine('cpu  100 0 100 800 0 0 0 0 0 0\ncpu0 1 2 3 4\n')!;
  const b = parseCpuLine('cpu  150 0 150 900 0 0 0 0 0 0\n')!;
  assert.deepEqual(a, { total: 1000, idle: 800 });
  assert.equal(cpuPercent(a, b), 50);
  assert.equal(cpuPercent(a, a), 0);
  const m = parseMeminfo('MemTotal:       16000000 kB\nMemFree:  1000 kB\nMemAvailable:   4000000 kB\n')!;
  assert.equal(m.total, 16000000 * 1024);
  assert.equal(m.used, 12000000 * 1024);
});
