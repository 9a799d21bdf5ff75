// The rest of the Control service: task logs (proxied), nodes (list, add, remove), templates
// (list, render with placements, lint), info, and gRPC server reflection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as path from 'node:path';
import { TaskLogsRequest, type Info, type Node } from '../../../core/rpc/gen/control.js';
import type { LogChunk } from '../../../core/rpc/gen/common.js';
import { tokenInterceptor } from '../../../core/rpc/auth.js';
import { fromServiceError } from '../../../core/rpc/errors.js';
import type { BatonError } from '../../../core/model/errors.js';
import { startAgent } from '../../../core/agent/main.js';
import { call, createEnv, listTasks, mustControl, startStack, waitFor, ROOT, TOKEN, type Stack } from './harness.js';

let stack: Stack;
before(async () => {
  stack = await startStack({ realAgents: 1 });
});
after(async () => {
  await stack?.stop();
});

function logs(taskId: string, tail: number, follow: boolean): { chunks: LogChunk[]; done: Promise<void>; cancel: () => void } {
  const chunks: LogChunk[] = [];
  const s = stack.client.taskLogs(TaskLogsRequest.fromPartial({ taskId, tail, follow, grep: '' }));
  const done = new Promise<void>((resolve, reject) => {
    s.on('data', (c: LogChunk) => chunks.push(c));
    s.on('end', () => resolve());
    s.on('error', (e: grpc.ServiceError) => (e.code === grpc.status.CANCELLED ? resolve() : reject(fromServiceError(e))));
  });
  return { chunks, done, cancel: () => s.cancel() };
}

test('TaskLogs: tail, follow, and an unknown task', async () => {
  const c = stack.client;
  const env = await createEnv(c, 'quick');
  await mustControl(c, env.id, 'DEPLOY');
  await mustControl(c, env.id, 'CONFIGURE');
  const alpha = (await listTasks(c, env.id)).find((t) => t.name === 'alpha')!;
  const tail = logs(alpha.id, 5, false);
  await tail.done;
  const lines = tail.chunks.flatMap((x) => x.lines);
  assert.ok(
    lines.some((l) => /CONFIGURE done/.test(l)),
    lines.join('\n'),
  );

  const follow = logs(alpha.id, 1, true);
  await mustControl(c, env.id, 'START_ACTIVITY');
  await waitFor(() => follow.chunks.some((x) => x.lines.some((l: string) => /running, run/.test(l))), 10_000, 'followed lines');
  follow.cancel();
  await follow.done;
  await assert.rejects(logs('env-x/none', 1, false).done, (e: BatonError) => e.code === 'NOT_FOUND');
  await mustControl(c, env.id, 'STOP_ACTIVITY');
  await mustControl(c, env.id, 'EXIT');
});

test('nodes: load from heartbeats; AddNode dials a new agent; RemoveNode forgets it', async () => {
  const c = stack.client;
  await waitFor(
    async () => {
      const n = (await call<unknown, { nodes: Node[] }>(c, 'listNodes', {})).nodes[0];
      return n && n.up && n.memTotal > 0 && n.lastSeenMs > 0;
    },
    5000,
    'a heartbeat with memory',
  );
  const extra = await startAgent({ name: 'extra', home: stack.home, listen: `unix://${stack.home}/extra.sock`, token: TOKEN, labels: { role: 'spare' } });
  try {
    const added = await call<unknown, Node>(c, 'addNode', { address: extra.address, name: '' });
    assert.equal(added.name, 'extra');
    assert.equal(added.up, true);
    assert.deepEqual(added.labels, { role: 'spare' });
    await assert.rejects(call(c, 'addNode', { address: 'nowhere', name: '' }), (e: BatonError) => e.code === 'BAD_INPUT');
    const removed = await call<unknown, Node>(c, 'removeNode', { name: 'extra' });
    assert.equal(removed.name, 'extra');
    const names = (await call<unknown, { nodes: Node[] }>(c, 'listNodes', {})).nodes.map((n) => n.name);
    assert.deepEqual(names, ['node-1']);
    await assert.rejects(call(c, 'removeNode', { name: 'extra' }), (e: BatonError) => e.code === 'NOT_FOUND');
    const info = await call<unknown, Info>(c, 'getInfo', {});
    assert.equal(info.nodesTotal, 1);
    assert.equal(info.nodesUp, 1);
    assert.match(info.store, /^sqlite:.*baton\.db$/);
  } finally {
    await extra.stop();
  }
});

test('templates: list, render (with placements), lint', async () => {
  const c = stack.client;
  const list = (await call<unknown, { templates: { name: string; vars: { name: string; defaultJson: string }[] }[] }>(c, 'listTemplates', { repo: '' }))
    .templates;
  const quick = list.find((t) => t.name === 'quick')!;
  assert.ok(quick, 'quick is listed');
  assert.equal(quick.vars.find((v) => v.name === 'message')?.defaultJson, '"hello from Baton"');
  const r = await call<unknown, { json: string }>(c, 'renderTemplate', { workflow: 'quick', vars: {}, repo: '', revision: '' });
  const plan = JSON.parse(r.json) as { tasks: { name: string }[]; placements: Record<string, string> };
  assert.deepEqual(
    plan.tasks.map((t) => t.name),
    ['alpha', 'beta', 'gamma'],
  );
  assert.deepEqual(Object.values(plan.placements), ['node-1', 'node-1', 'node-1']);
  await assert.rejects(
    call(c, 'renderTemplate', { workflow: 'quick', vars: { nope: '1' }, repo: '', revision: '' }),
    (e: BatonError) => e.code === 'BAD_INPUT',
  );
  const lint = await call<unknown, { diagnostics: { line: number; severity: string }[] }>(c, 'lintTemplate', {
    path: path.join(ROOT, 'assets', 'workflows', 'broken.yaml'),
    content: 'name: broken\nroles:\n  - name: [\n',
    repo: '',
  });
  assert.ok(lint.diagnostics.length > 0 && lint.diagnostics.every((d) => d.line > 0));
});

test('server reflection lists the Control service', async () => {
  const protoPath = path.join(ROOT, 'node_modules/@grpc/reflection/build/proto/grpc/reflection/v1alpha/reflection.proto');
  const def = protoLoader.loadSync(protoPath, { keepCase: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { grpc: { reflection: { v1alpha: { ServerReflection: grpc.ServiceClientConstructor } } } };
  const client = new pkg.grpc.reflection.v1alpha.ServerReflection(stack.ctl.address.replace(/^unix:\/\//, 'unix://'), grpc.credentials.createInsecure(), {
    interceptors: [tokenInterceptor(TOKEN)],
  });
  const services = await new Promise<string[]>((resolve, reject) => {
    const s = (
      client as unknown as { ServerReflectionInfo(): grpc.ClientDuplexStream<unknown, { list_services_response?: { service: { name: string }[] } }> }
    ).ServerReflectionInfo();
    s.on('data', (m) => {
      resolve((m.list_services_response?.service ?? []).map((x: { name: string }) => x.name));
      s.end();
    });
    s.on('error', reject);
    s.write({ list_services: '*' });
  });
  client.close();
  assert.ok(services.includes('baton.v1.Control'), services.join(', '));
});
