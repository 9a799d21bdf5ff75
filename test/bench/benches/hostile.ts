// 6. Hostile requests: a local stack with a RUNNING environment of real controlled tasks, then a
// mix of requests meant to hurt the controller: max-size templates to lint, a glob bomb, trees
// over the depth limit, a `for` over the item limit, a 100,000-task render, a 50 MB var and vars
// over the size limits, and bursts of lint calls. Reported: the controller's own event-loop lag
// (GetInfo, since the mix began) p99 and max, and that no node was marked DOWN and the run stayed
// RUNNING with the same run number. Target: lag max <= 100 ms.
import path from 'node:path';
import { connectControl, type ControlConnection } from '../../../core/rpc/control-client.js';
import { BatonError, toBatonError } from '../../../core/model/errors.js';
import type { Event } from '../../../core/rpc/gen/control.js';
import type { Benchmark, BenchOutput } from '../bench.js';
import { atMost, figure } from '../results.js';
import { BENCH_REPO, Stack, teardownNotes } from '../stack.js';

const KIB = 1024;

/** A workflow of `roles` plain roles, about `bytes` long: a real, valid, very large template. */
function bigWorkflow(bytes: number): string {
  const head = 'name: big\ndescription: a very large template\nroles:\n';
  const role = (i: number) => `  - name: r-${i}\n    task: {class: bench-demo, critical: false}\n    vars: {note: "${'n'.repeat(40)}"}\n`;
  let text = head;
  for (let i = 0; text.length + 120 < bytes; i++) text += role(i);
  return text;
}

function deepWorkflow(depth: number): string {
  let roles = '{name: leaf, task: {class: bench-demo}}';
  for (let i = depth - 1; i > 0; i--) roles = `{name: r${i}, roles: [${roles}]}`;
  return `name: deep\nroles: [${roles}]\n`;
}

function wideWorkflow(items: number): string {
  return `name: wide\nroles:\n  - name: t-{{ it }}\n    for: {range: ${items}}\n    task: {class: bench-demo}\n`;
}

function globBomb(): string {
  return `name: glob\nroles:\n  - name: a\n    task: {class: bench-demo}\n    bind: [{name: out, type: push}]\n  - name: b\n    task: {class: bench-demo}\n    connect: [{name: in, target: "${'a*'.repeat(50_000)}:out"}]\n`;
}

interface Outcome {
  what: string;
  ok: boolean;
  code?: string;
  ms: number;
}

export const hostile: Benchmark = {
  name: 'hostile',
  title: 'Hostile requests: event-loop lag of a controller running an environment',
  async run(ctx): Promise<BenchOutput> {
    const tasks = ctx.smoke ? 4 : 20;
    const rounds = ctx.smoke ? 1 : 3;
    ctx.load('stack');
    const stack = await Stack.up({ agents: 2 });
    const notes: string[] = [];
    let control: ControlConnection | null = null;
    const nodeDown: Event[] = [];
    let events: ReturnType<typeof stack.client.subscribe> | null = null;
    try {
      const c = stack.client;
      const env = await c.create('bench-demo', { tasks: String(tasks) });
      for (const t of ['DEPLOY', 'CONFIGURE', 'START_ACTIVITY']) await c.transition(env.id, t);
      const runNumber = (await c.getEnv(env.id)).runNumber;
      ctx.log(`environment ${env.id} RUNNING (run ${runNumber}, ${tasks} tasks)`);
      control = connectControl(stack.state.controller.address, { token: stack.state.token });
      const ctl = control;
      const seq = (await c.info()).lastEventSeq;
      events = c.subscribe(seq, (b) => nodeDown.push(...b.events.filter((e) => e.kind === 'node.down')));
      events.on('error', () => {
        /* cancelled at the end */
      });

      const lintPath = (name: string) => path.join(BENCH_REPO, 'workflows', `${name}.yaml`);
      const big = bigWorkflow(1024 * KIB - 4 * KIB); // just under the content limit
      const quick = bigWorkflow(2 * KIB);
      const outcomes: Outcome[] = [];
      const attempt = async (what: string, fn: () => Promise<unknown>, expectRefusal?: string) => {
        const t0 = performance.now();
        try {
          await fn();
          outcomes.push({ what, ok: !expectRefusal, ms: performance.now() - t0 });
        } catch (e) {
          const be = toBatonError(e);
          const refusedAsExpected = !!expectRefusal && be.code === 'BAD_INPUT' && be.message.includes(expectRefusal);
          outcomes.push({ what, ok: refusedAsExpected, code: be.code, ms: performance.now() - t0 });
          if (!refusedAsExpected) notes.push(`${what}: ${be.code} ${be.message.slice(0, 200)}`);
        }
      };

      // the floor: the same controller's lag over a quiet stretch (the machine's own noise)
      ctx.load('quiet');
      await ctl.call('getInfo', { resetLoopLag: true });
      await new Promise((r) => setTimeout(r, ctx.smoke ? 3000 : 15_000));
      const quiet = await ctl.call('getInfo', {});
      ctx.log(`quiet: lag p99 ${quiet.loopLagP99Ms.toFixed(1)} ms, max ${quiet.loopLagMaxMs.toFixed(1)} ms`);

      ctx.load('hostile mix');
      await ctl.call('getInfo', { resetLoopLag: true });
      const t0 = performance.now();
      for (let round = 0; round < rounds; round++) {
        await Promise.all([
          attempt('lint 1 MiB template', () => ctl.call('lintTemplate', { path: lintPath('big'), content: big, repo: '' }, 120_000)),
          attempt(
            'lint 3 MiB content',
            () => ctl.call('lintTemplate', { path: lintPath('big'), content: big.repeat(3), repo: '' }),
            'LintTemplateRequest.content',
          ),
          attempt('lint 100 KB glob', () => ctl.call('lintTemplate', { path: lintPath('glob'), content: globBomb(), repo: '' }, 120_000)),
          attempt('lint 40-deep tree', () => ctl.call('lintTemplate', { path: lintPath('deep'), content: deepWorkflow(40), repo: '' }, 120_000)),
          attempt('lint for over the limit', () => ctl.call('lintTemplate', { path: lintPath('wide'), content: wideWorkflow(1_000_001), repo: '' }, 120_000)),
          attempt(
            'render 100,000 tasks',
            () => ctl.call('renderTemplate', { workflow: 'bench-demo', vars: { tasks: '100000' }, repo: '', revision: '' }, 300_000),
            'render.tasks',
          ),
          attempt('render 10,000 tasks', () =>
            ctl.call('renderTemplate', { workflow: 'bench-demo', vars: { tasks: '10000' }, repo: '', revision: '' }, 300_000),
          ),
          attempt(
            '50 MB var',
            () =>
              ctl.call(
                'createEnvironment',
                {
                  workflow: 'bench-demo',
                  vars: { tasks: '1', huge: 'x'.repeat(50 * KIB * KIB) },
                  repo: '',
                  revision: '',
                  owner: 'bench',
                  autoDeploy: false,
                  name: '',
                  runType: '',
                },
                120_000,
              ),
            'grpc.max_message_length',
          ),
          attempt(
            '3 MB var',
            () =>
              ctl.call(
                'createEnvironment',
                {
                  workflow: 'bench-demo',
                  vars: { tasks: '1', huge: 'x'.repeat(3 * KIB * KIB) },
                  repo: '',
                  revision: '',
                  owner: 'bench',
                  autoDeploy: false,
                  name: '',
                  runType: '',
                },
                120_000,
              ),
            'CreateEnvironmentRequest.vars.value',
          ),
          attempt(
            '2,000 vars',
            () =>
              ctl.call('renderTemplate', {
                workflow: 'bench-demo',
                vars: Object.fromEntries(Array.from({ length: 2000 }, (_v, i) => [`v${i}`, 'x'])),
                repo: '',
                revision: '',
              }),
            'RenderTemplateRequest.vars.entries',
          ),
          attempt(
            '64 KB owner',
            () =>
              ctl.call('createEnvironment', {
                workflow: 'bench-demo',
                vars: {},
                repo: '',
                revision: '',
                owner: 'o'.repeat(64 * KIB),
                autoDeploy: false,
                name: '',
                runType: '',
              }),
            'CreateEnvironmentRequest.owner',
          ),
          // a burst of ordinary lint calls
          ...Array.from({ length: ctx.smoke ? 10 : 50 }, (_v, i) =>
            attempt(`lint burst ${i}`, () => ctl.call('lintTemplate', { path: lintPath('quick'), content: quick, repo: '' }, 120_000)),
          ),
        ]);
      }
      const mixMs = performance.now() - t0;
      const info = await ctl.call('getInfo', {});
      const after = await c.getEnv(env.id);
      const nodes = (await ctl.call('listNodes', {})).nodes;
      events.cancel();
      events = null;

      const failed = outcomes.filter((o) => !o.ok);
      const stayed = after.state === 'RUNNING' && after.runNumber === runNumber;
      const allUp = nodes.every((n) => n.up);
      if (!stayed) notes.push(`the environment is ${after.state} (run ${after.runNumber}), was RUNNING (run ${runNumber})`);
      if (!allUp || nodeDown.length)
        notes.push(
          `nodes marked DOWN during the mix: ${
            nodeDown.map((e) => e.node).join(', ') ||
            nodes
              .filter((n) => !n.up)
              .map((n) => n.name)
              .join(', ')
          }`,
        );
      const slowest = [...outcomes]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3)
        .map((o) => `${o.what} ${Math.round(o.ms)} ms`);
      ctx.log(
        `mix: ${outcomes.length} requests in ${Math.round(mixMs)} ms; lag p99 ${info.loopLagP99Ms.toFixed(1)} ms, max ${info.loopLagMaxMs.toFixed(1)} ms; slowest ${slowest.join(', ')}`,
      );
      const down = await stack.down();
      notes.push(...teardownNotes(down));
      return {
        ok: stayed && allUp && nodeDown.length === 0 && failed.length === 0 && down.leftovers.length === 0,
        figures: [
          figure('lag_p99', 'controller event-loop lag p99 during the mix', round1(info.loopLagP99Ms), 'ms', {
            floor: { value: round1(quiet.loopLagP99Ms), unit: 'ms', what: 'lag p99 of the same controller over a quiet stretch' },
          }),
          figure('lag_max', 'controller event-loop lag max during the mix', round1(info.loopLagMaxMs), 'ms', {
            target: atMost(100, '<= 100 ms'),
            floor: { value: round1(quiet.loopLagMaxMs), unit: 'ms', what: 'lag max of the same controller over a quiet stretch' },
          }),
          figure('requests', 'hostile requests sent', outcomes.length, 'requests'),
          figure('refused', 'refused with BAD_INPUT naming the limit', outcomes.filter((o) => o.code === 'BAD_INPUT').length, 'requests'),
          figure('nodes_down', 'nodes marked DOWN', nodeDown.length, 'nodes', { target: atMost(0, '0') }),
        ],
        details: {
          tasks,
          rounds,
          quiet: { p99Ms: round1(quiet.loopLagP99Ms), maxMs: round1(quiet.loopLagMaxMs) },
          mixMs: Math.round(mixMs),
          runNumber,
          finalState: after.state,
          finalRunNumber: after.runNumber,
          outcomes: outcomes.map((o) => ({ ...o, ms: Math.round(o.ms) })),
        },
        notes,
      };
    } catch (e) {
      throw e instanceof BatonError ? e : toBatonError(e);
    } finally {
      events?.cancel();
      control?.close();
      await stack.down();
    }
  },
};

const round1 = (v: number) => Math.round(v * 10) / 10;
