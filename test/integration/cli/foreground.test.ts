// `baton agent` and `baton controller` in the foreground: they print their address, work
// together, and stop cleanly (exit 0) on SIGTERM and on SIGINT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { BATON, baton, cleanEnv, pollUntil, procsOf, tempHome } from './harness.js';

function start(home: string, args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BATON, ...args], { env: cleanEnv(home, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

test('agent and controller in the foreground, stopped by SIGTERM and SIGINT', async () => {
  const home = tempHome();
  const token = 'fg-token';
  const agentAddr = `unix://${home}/fg-agent.sock`;
  const ctlAddr = `unix://${home}/fg-controller.sock`;
  const agent = start(home, ['agent', '--name', 'fg-1', '--listen', agentAddr, '--labels', 'zone=upstream'], { BATON_TOKEN: token });
  const ctl = start(home, ['controller', '--listen', ctlAddr, '--agent', agentAddr], { BATON_TOKEN: token });
  try {
    const a = await pollUntil(
      async () => agent.output(),
      (o) => o.includes('listening on'),
      15_000,
    );
    assert.match(a.value, new RegExp(`agent fg-1 listening on ${agentAddr}`));
    const c = await pollUntil(
      async () => ctl.output(),
      (o) => o.includes('listening on'),
      15_000,
    );
    assert.match(c.value, new RegExp(`controller ctl-\\w+ listening on ${ctlAddr}`));
    const env = { BATON_CONTROLLER: ctlAddr, BATON_TOKEN: token };
    const up = await pollUntil(
      () => baton(home, ['node', 'list', '--json'], { env }),
      (r) => r.code === 0 && JSON.parse(r.stdout).some((n: { name: string; up: boolean }) => n.name === 'fg-1' && n.up),
      15_000,
      200,
    );
    assert.ok(up.met, `the controller dialled the agent: ${up.value.stdout}${up.value.stderr}`);

    ctl.child.kill('SIGTERM');
    agent.child.kill('SIGINT');
    assert.equal(await ctl.exited, 0, ctl.output());
    assert.equal(await agent.exited, 0, agent.output());
    assert.deepEqual(procsOf(home), []);
  } finally {
    ctl.child.kill('SIGKILL');
    agent.child.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('a controller without a token makes one and prints how to reach it', async () => {
  const home = tempHome();
  const ctl = start(home, ['controller', '--listen', `unix://${home}/c.sock`], {});
  try {
    const c = await pollUntil(
      async () => ctl.output(),
      (o) => o.includes('BATON_TOKEN='),
      15_000,
    );
    const m = /export BATON_CONTROLLER=(\S+) BATON_TOKEN=(\S+)/.exec(c.value);
    assert.ok(m, c.value);
    const ok = await baton(home, ['env', 'list', '--json'], { env: { BATON_CONTROLLER: m[1]!, BATON_TOKEN: m[2]! } });
    assert.equal(ok.code, 0, ok.stderr);
    const refused = await baton(home, ['env', 'list'], { env: { BATON_CONTROLLER: m[1]!, BATON_TOKEN: 'guess' } });
    assert.equal(refused.code, 1);
    ctl.child.kill('SIGTERM');
    assert.equal(await ctl.exited, 0);
  } finally {
    ctl.child.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test('bad foreground flags exit 2 naming the flag', async () => {
  const home = tempHome();
  try {
    for (const [args, re] of [
      [['agent', '--ports', '30000-20000'], /--ports/],
      [['agent', '--labels', 'zone'], /--labels/],
      [['agent', '--count', '5'], /--count/],
      [['agent', '--orphan-grace', 'soon'], /--orphan-grace "soon": expected a duration/],
      [['controller', '--listen', 'nowhere'], /--listen/],
      [['controller', '--agent', 'relative/path.sock'], /--agent/],
    ] as [string[], RegExp][]) {
      const r = await baton(home, args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("an agent whose task ports overlap the kernel's ephemeral range says so at start", async (t) => {
  const range = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  if (range.length !== 2 || range[0]! < 1200) return t.skip(`this kernel's ephemeral range ${range.join('-')} leaves no room below it`);
  const [lo] = range as [number, number];
  const home = tempHome();
  const inside = start(home, ['agent', '--name', 'eph-in', '--listen', `unix://${home}/in.sock`, '--ports', `${lo}-${lo + 99}`], { BATON_TOKEN: 't' });
  const outside = start(home, ['agent', '--name', 'eph-out', '--listen', `unix://${home}/out.sock`, '--ports', `${lo - 1100}-${lo - 1001}`], {
    BATON_TOKEN: 't',
  });
  try {
    for (const a of [inside, outside])
      await pollUntil(
        async () => a.output(),
        (o) => o.includes('listening on'),
        15_000,
      );
    assert.match(inside.output(), new RegExp(`agent eph-in: warning: task ports ${lo}-${lo + 99} are inside the kernel's ephemeral range`));
    assert.match(inside.output(), /give the agent --ports outside that range/);
    assert.doesNotMatch(outside.output(), /ephemeral/);
  } finally {
    inside.child.kill('SIGKILL');
    outside.child.kill('SIGKILL');
    await Promise.all([inside.exited, outside.exited]);
    fs.rmSync(home, { recursive: true, force: true });
  }
});
