// `baton local up` turns metrics on: every process of the stack serves /metrics on a loopback
// port, the state file and the output say where, and local/prometheus.yml is a valid scrape
// config for them all (promtool says so). With --no-metrics nothing listens.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { localStack, type LocalStack } from '../cli/harness.js';
import { PROMTOOL, promtoolCheck } from './prometheus.js';

const stacks: LocalStack[] = [];
after(async () => {
  for (const s of stacks) {
    await s.down();
    fs.rmSync(s.home, { recursive: true, force: true });
  }
});

test('local up: the controller and each agent serve metrics, and say where', async () => {
  const stack = await localStack(['--agents', '1', '--sim-agents', '2']);
  stacks.push(stack);
  const state = JSON.parse(fs.readFileSync(path.join(stack.home, 'local', 'state.json'), 'utf8')) as {
    metrics: { name: string; url: string }[];
    prometheusConfig: string;
  };
  assert.deepEqual(state.metrics.map((m) => m.name).sort(), ['agent-1', 'controller', 'sim-1']);
  for (const m of state.metrics) {
    assert.match(m.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const text = await (await fetch(m.url)).text();
    assert.equal(promtoolCheck(text), '', `promtool check metrics on ${m.name}`);
    if (m.name === 'controller') assert.match(text, /^baton_node_up\{node="agent-1"\} 1$/m);
    if (m.name === 'sim-1') assert.match(text, /^baton_agent_connected\{node="sim-1-2"\} 1$/m, 'one endpoint for both simulated agents');
  }
  const check = spawnSync(PROMTOOL, ['check', 'config', state.prometheusConfig], { encoding: 'utf8' });
  assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
});

test('local up --no-metrics: no endpoint, no scrape config', async () => {
  const stack = await localStack(['--agents', '1', '--no-metrics']);
  stacks.push(stack);
  const state = JSON.parse(fs.readFileSync(path.join(stack.home, 'local', 'state.json'), 'utf8')) as { metrics?: unknown };
  assert.equal(state.metrics, undefined);
  assert.equal(fs.existsSync(path.join(stack.home, 'local', 'prometheus.yml')), false);
});
