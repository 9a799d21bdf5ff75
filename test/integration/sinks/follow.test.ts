// `baton events --follow` across a controller kill -9 and restart: the follower keeps running,
// reconnects by itself, and prints every stored event exactly once (no gap, no repeat), also a
// second time when it was filtered to one environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { startAgent, type AgentHandle } from '../../../core/agent/main.js';
import type { ControllerOptions } from '../../../core/controller/main.js';
import { BATON, cleanEnv } from '../cli/harness.js';
import { controlClient, createEnv, getEnv, mustControl, tempHome, waitFor, TOKEN } from '../controller/harness.js';
import { startChildController, type Child } from '../controller/procs.js';
import { controllerEvents } from './common.js';

interface Follower {
  proc: ChildProcess;
  seqs: () => number[];
  stderr: () => string;
  stop(): Promise<void>;
}

function follow(home: string, address: string, args: string[] = []): Follower {
  const proc = spawn(process.execPath, [BATON, 'events', '--follow', '--json', ...args], {
    env: cleanEnv(home, { BATON_CONTROLLER: address, BATON_TOKEN: TOKEN }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  return {
    proc,
    seqs: () =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { seq: number }).seq),
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    },
  };
}

test('baton events --follow survives a controller kill -9: no event lost, none repeated', { timeout: 180_000 }, async (t) => {
  const home = tempHome();
  let agent: AgentHandle | null = null;
  let ctl: Child | null = null;
  let client: ReturnType<typeof controlClient> | null = null;
  const followers: Follower[] = [];
  t.after(async () => {
    await Promise.all(followers.map((f) => f.stop()));
    client?.close();
    await ctl?.kill9();
    await agent?.stop({ killTasks: true });
    fs.rmSync(home, { recursive: true, force: true });
  });
  agent = await startAgent({ name: 'node-1', home, listen: `unix://${home}/agent-1.sock`, token: TOKEN, labels: { zone: 'test' }, portRange: [25200, 25299] });
  const options: ControllerOptions = { home, listen: `unix://${home}/controller.sock`, token: TOKEN, agents: [agent.address] };
  ctl = await startChildController(options);
  client = controlClient(ctl.address);

  const env = await createEnv(client, 'quick');
  const other = await createEnv(client, 'quick');
  const all = follow(home, ctl.address);
  const one = follow(home, ctl.address, ['--env', env.id]);
  followers.push(all, one);
  await mustControl(client, env.id, 'DEPLOY');
  await waitFor(() => all.seqs().length > 0 && one.seqs().length > 0, 20_000, 'the followers print events');

  // kill -9 mid-cycle, a transition under way
  const configuring = mustControl(client, env.id, 'CONFIGURE').catch(() => null);
  await new Promise((r) => setTimeout(r, 20));
  client.close();
  await ctl.kill9();
  await configuring;
  ctl = await startChildController({ ...options, agents: [] });
  client = controlClient(ctl.address);
  await waitFor(
    async () => {
      // the restarted controller finishes (or undoes) the interrupted transition first
      const e = await getEnv(client!, env.id, false);
      return !e.transition && ['CONFIGURED', 'DEPLOYED'].includes(e.state);
    },
    30_000,
    'the environment settles after the restart',
  );
  if ((await getEnv(client, env.id, false)).state === 'DEPLOYED') await mustControl(client, env.id, 'CONFIGURE');
  await mustControl(client, env.id, 'START_ACTIVITY');
  await mustControl(client, other.id, 'DEPLOY');
  await mustControl(client, env.id, 'STOP_ACTIVITY');

  const truth = await controllerEvents(client);
  const last = truth.at(-1)!.seq;
  const mine = truth.filter((e) => e.envId === env.id);
  await waitFor(() => (all.seqs().at(-1) ?? 0) >= last, 30_000, `the follower reaches seq ${last}\n${all.stderr()}`);
  await waitFor(() => (one.seqs().at(-1) ?? 0) >= mine.at(-1)!.seq, 30_000, 'the filtered follower reaches its last event');
  assert.equal(all.proc.exitCode, null, 'the follower is still running');
  // read again: an event stored after the first read (the audit of the last call, sent when the
  // call ends) may have been printed meanwhile; compare everything up to the last one printed
  const stored = await controllerEvents(client);
  const upTo = (printed: number[]) => stored.filter((e) => e.seq <= (printed.at(-1) ?? 0));
  assert.deepEqual(
    all.seqs(),
    upTo(all.seqs()).map((e) => e.seq),
    'every stored event printed once, in order',
  );
  assert.deepEqual(
    one.seqs(),
    upTo(one.seqs())
      .filter((e) => e.envId === env.id)
      .map((e) => e.seq),
    'the filtered follower too',
  );
  assert.ok(
    mine.some((e) => e.transition === 'START_ACTIVITY'),
    'events after the restart are among them',
  );
  assert.match(all.stderr(), /lost the controller/);
  assert.match(all.stderr(), /controller back after/);
});
