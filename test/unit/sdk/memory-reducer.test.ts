// The shipped Node task classes start node with --no-memory-reducer-for-small-heaps. This shows
// why, on a real demo task process connected to a real control server: left alone, V8 runs a full
// "memory reducer" mark-compact ~8 s after start in a small idle task (all tasks deployed together
// do it in the same second); started as the classes start it, the task runs none. Takes ~11 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ASSETS, loader } from '../workflow/helpers.js';
import { controlServer } from './control-fixture.js';

const FLAG = '--no-memory-reducer-for-small-heaps';
/** V8 schedules the reducer 8 s after the heap first grew (it ran at ~8.2 s here); room for a loaded CI machine */
const WATCH_MS = 11_000;

test('every shipped Node task class starts node with the flag, before the program', async () => {
  const classes = fs.readdirSync(path.join(ASSETS, 'tasks')).filter((f) => f.endsWith('.yaml'));
  const node = classes.filter((f) => fs.readFileSync(path.join(ASSETS, 'tasks', f), 'utf8').includes('command: "{{ baton.node }}"'));
  assert.ok(node.length >= 5, `shipped Node task classes: ${node.join(', ')}`);
  for (const f of node) {
    const text = fs.readFileSync(path.join(ASSETS, 'tasks', f), 'utf8');
    assert.match(text, /^args: \["--no-memory-reducer-for-small-heaps", /m, `${f}: the flag must come first in args`);
  }
});

test('a demo task started as its class says runs no memory-reducer GC; without the flag it does', async (t) => {
  const { server } = await controlServer(t);
  const expanded = await loader().expand('quick', {});
  const alpha = expanded.tasks.find((x) => x.name.endsWith('alpha'));
  assert.ok(alpha, 'the quick workflow has a task alpha');
  assert.equal(alpha.args[0], FLAG);

  /** the Mark-Compact lines of --trace-gc while the task sits idle (connected, in STANDBY) */
  const markCompacts = (args: string[]) => new Promise<string[]>((resolve) => {
    const p = spawn(alpha.command, ['--trace-gc', ...args], {
      env: { ...process.env, BATON_CONTROL: server.address, BATON_TASK_ID: 'alpha', BATON_TASK_TOKEN: 't', BATON_TASK_NAME: 'alpha' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    p.stdout!.on('data', (d) => (out += d));
    setTimeout(() => p.kill('SIGKILL'), WATCH_MS);
    p.on('exit', () => resolve(out.split('\n').filter((l) => l.includes('Mark-Compact'))));
  });
  const [asShipped, without] = await Promise.all([markCompacts(alpha.args), markCompacts(alpha.args.filter((a) => a !== FLAG))]);
  assert.deepEqual(asShipped.filter((l) => l.includes('(reduce)')), [], 'started with the flag: no memory-reducer GC');
  assert.ok(without.some((l) => l.includes('(reduce)')), `without the flag V8 runs its memory reducer (if this fails, V8 changed and the flag may be moot): ${without.join(' | ') || 'no mark-compact at all'}`);
});
