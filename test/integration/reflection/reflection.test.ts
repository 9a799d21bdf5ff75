// gRPC server reflection, as a tool that knows nothing of Baton uses it (grpcurl, Postman): a real
// controller (from dist/, so the descriptor set must be where the build puts it), a client that
// builds the Control types from reflection alone and creates and lists environments with them
// (CreateEnvironment's vars is a map: the field a synthesized descriptor got wrong). Reflection
// asks for the token like every other call.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { splitDescriptorSet } from '../../../core/controller/server/reflection.js';
import { ROOT, startStack, TOKEN, type Stack } from '../controller/harness.js';
import { callByDescriptor, registryOf, ReflectionSession } from './reflection-client.js';

function bearer(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

describe('server reflection', { timeout: 60_000 }, () => {
  let stack: Stack;
  let client: grpc.Client;

  before(async () => {
    stack = await startStack({ realAgents: 1 });
    client = new grpc.Client(stack.ctl.address, grpc.credentials.createInsecure());
  });
  after(async () => {
    client?.close();
    await stack?.stop();
  });

  it('lists the Control service', async () => {
    const session = new ReflectionSession(client, bearer(TOKEN));
    const r = await session.ask({ listServices: '*' });
    session.end();
    assert.deepEqual(r.services, ['baton.v1.Control']);
  });

  it('serves the committed descriptors byte for byte, with the files they import', async () => {
    const session = new ReflectionSession(client, bearer(TOKEN));
    const { root, files } = await session.filesFor('baton.v1.Control');
    session.end();
    assert.equal(root, 'control.proto');
    assert.deepEqual([...files.keys()].sort(), ['common.proto', 'control.proto']);
    const committed = splitDescriptorSet(fs.readFileSync(path.join(ROOT, 'core', 'rpc', 'gen', 'baton.desc')));
    for (const [name, bytes] of files) {
      assert.ok(
        committed.some((c) => c.equals(Buffer.from(bytes))),
        `${name} as protoc wrote it`,
      );
    }
  });

  it('gives a client built from reflection alone what it needs to create and list environments', async () => {
    const session = new ReflectionSession(client, bearer(TOKEN));
    const registry = registryOf(await session.filesFor('baton.v1.Control'));
    session.end();
    const control = registry.getService('baton.v1.Control');
    assert.ok(control, 'the Control service is in the reflected files');
    const env = (await callByDescriptor(
      client,
      control,
      'CreateEnvironment',
      { workflow: 'quick', vars: { message: 'from reflection' }, owner: 'reflection-test' },
      bearer(TOKEN),
    )) as { id: string; vars: Record<string, string> };
    assert.ok(env.id, 'CreateEnvironment answered with an environment id');
    assert.deepEqual(env.vars, { message: 'from reflection' });

    const reply = (await callByDescriptor(client, control, 'ListEnvironments', {}, bearer(TOKEN))) as {
      environments: { id: string; workflow: string; owner: string; vars: Record<string, string> }[];
    };
    const mine = reply.environments.find((e) => e.id === env.id);
    assert.deepEqual(mine && { workflow: mine.workflow, owner: mine.owner, vars: mine.vars }, {
      workflow: 'quick',
      owner: 'reflection-test',
      vars: { message: 'from reflection' },
    });
  });

  it('refuses reflection without the token, or with a wrong one (UNAUTHENTICATED)', async () => {
    for (const metadata of [new grpc.Metadata(), bearer('not-the-token')]) {
      const session = new ReflectionSession(client, metadata);
      await assert.rejects(session.ask({ listServices: '*' }), (e: grpc.ServiceError) => {
        assert.equal(e.code, grpc.status.UNAUTHENTICATED);
        assert.match(e.details, /token/);
        return true;
      });
    }
  });
});
