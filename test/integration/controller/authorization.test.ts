// The authorization table walked on a real controller: every method of the Control service (taken
// from the generated ControlService, not a list here) called by a user of every role, each refused
// with PERMISSION_DENIED exactly when auth/rules.ts says its role is below the method's. A method
// whose handler escaped the guard, or a rule the guard does not apply, fails here; a method without
// a rule does not compile. Requests are empty (every field at its default): an allowed call then
// fails on its own terms (NOT_FOUND, BAD_INPUT) or succeeds, and nothing is changed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { ControlService } from '../../../core/rpc/gen/control.js';
import { fromServiceError } from '../../../core/rpc/errors.js';
import { ROLES, type Role, roleAtLeast } from '../../../core/controller/auth/caller.js';
import { type Method, RULES } from '../../../core/controller/auth/rules.js';
import { call, controlClient, startStack, TOKEN, type Stack } from './harness.js';

interface Definition {
  path: string;
  responseStream: boolean;
}

const METHODS = Object.entries(ControlService as unknown as Record<Method, Definition>) as [Method, Definition][];

/** How long an allowed stream that follows (Subscribe) is left open before it counts as allowed:
 *  a refusal comes before the handler runs, at once. */
const FOLLOW_MS = 3000;

/** The call's outcome: 'OK' or the error code (a BatonError's, else the gRPC status name). */
function callRaw(client: grpc.Client, method: Method, definition: Definition, metadata: grpc.Metadata): Promise<{ code: string; message: string }> {
  const empty = () => Buffer.alloc(0); // an empty message: every field at its default
  const keep = (b: Buffer) => b;
  return new Promise((resolve) => {
    const settle = (e: grpc.ServiceError | null) => {
      if (!e) return resolve({ code: 'OK', message: '' });
      const err = fromServiceError(e);
      resolve({ code: err.code === 'INTERNAL' && e.code === grpc.status.DEADLINE_EXCEEDED ? 'DEADLINE_EXCEEDED' : err.code, message: err.message });
    };
    if (!definition.responseStream) {
      client.makeUnaryRequest(definition.path, empty, keep, null, metadata, { deadline: Date.now() + 30_000 }, (e) => settle(e));
      return;
    }
    const stream = client.makeServerStreamRequest(definition.path, empty, keep, null, metadata, { deadline: Date.now() + FOLLOW_MS });
    let done = false;
    stream.on('data', () => {
      if (done) return;
      done = true;
      stream.cancel();
      resolve({ code: 'OK', message: '' });
    });
    stream.on('error', (e: grpc.ServiceError) => {
      if (!done) settle(e);
      done = true;
    });
    stream.on('end', () => {
      if (!done) resolve({ code: 'OK', message: '' });
      done = true;
    });
  });
}

function withToken(token: string | null): grpc.Metadata {
  const md = new grpc.Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  return md;
}

describe('the authorization table on a real controller', () => {
  let stack: Stack;
  let raw: grpc.Client;
  const tokens = new Map<Role, string>();

  before(async () => {
    stack = await startStack({ simAgents: 1 });
    for (const role of ROLES) {
      const issued = await call<unknown, { token: string }>(stack.client, 'addUser', { name: `${role}-user`, role });
      tokens.set(role, issued.token);
    }
    raw = new grpc.Client(stack.ctl.address, grpc.credentials.createInsecure());
  });
  after(async () => {
    raw?.close();
    await stack?.stop();
  });

  test('the service has methods, and every one has a rule', () => {
    assert.ok(METHODS.length >= 24, `ControlService lists the RPCs of control.proto (${METHODS.length})`);
    for (const [method] of METHODS) assert.ok(RULES[method], `${method} has a rule`);
  });

  for (const role of ROLES) {
    test(`every method as ${role}: allowed or PERMISSION_DENIED as the table says`, async () => {
      const outcomes = await Promise.all(
        METHODS.map(async ([method, definition]) => ({ method, ...(await callRaw(raw, method, definition, withToken(tokens.get(role)!))) })),
      );
      const wrong: string[] = [];
      for (const o of outcomes) {
        const rule = RULES[o.method];
        const allowed = roleAtLeast(role, rule.role);
        if (o.code === 'UNAUTHENTICATED') wrong.push(`${o.method}: UNAUTHENTICATED (${o.message})`);
        else if (allowed && o.code === 'PERMISSION_DENIED') wrong.push(`${o.method}: refused to ${role}, the table says ${rule.role} suffices (${o.message})`);
        else if (!allowed && o.code !== 'PERMISSION_DENIED') wrong.push(`${o.method}: ${o.code} for ${role}, the table says it needs ${rule.role}`);
        else if (!allowed && !(o.message.includes(o.method) && o.message.includes(rule.role) && o.message.includes(`${role}-user is ${role}`))) {
          wrong.push(`${o.method}: the refusal does not name the method, the role needed and the caller's (${o.message})`);
        }
      }
      assert.deepEqual(wrong, []);
    });
  }

  test('every method without a token, or with a wrong one, is UNAUTHENTICATED', async () => {
    for (const token of [null, 'not-a-token', `${tokens.get('admin')}x`]) {
      const outcomes = await Promise.all(
        METHODS.map(async ([method, definition]) => ({ method, ...(await callRaw(raw, method, definition, withToken(token))) })),
      );
      assert.deepEqual(
        outcomes.filter((o) => o.code !== 'UNAUTHENTICATED').map((o) => `${o.method}: ${o.code}`),
        [],
        `token ${token}`,
      );
    }
  });

  test("a removed user's calls stop at once; a rotated token replaces the old one", async () => {
    const issued = await call<unknown, { token: string }>(stack.client, 'addUser', { name: 'temp', role: 'observer' });
    const temp = controlClient(stack.ctl.address, issued.token);
    try {
      assert.deepEqual(await call(temp, 'whoAmI', {}), { user: 'temp', role: 'observer', client: 'api', authenticatedBy: 'user-token' });
      const rotated = await call<unknown, { token: string }>(stack.client, 'newUserToken', { name: 'temp' });
      await assert.rejects(call(temp, 'getInfo', {}), (e: Error & { code?: string }) => e.code === 'UNAUTHENTICATED');
      const again = controlClient(stack.ctl.address, rotated.token);
      try {
        assert.equal(((await call(again, 'whoAmI', {})) as { user: string }).user, 'temp');
        await call(stack.client, 'removeUser', { name: 'temp' });
        await assert.rejects(call(again, 'getInfo', {}), (e: Error & { code?: string }) => e.code === 'UNAUTHENTICATED');
      } finally {
        again.close();
      }
    } finally {
      temp.close();
    }
  });

  // (a stream that is not ended would wait forever: the test's own timeout turns that into a failure)
  test("an open stream ends UNAUTHENTICATED when its user's token is replaced, or the user removed", { timeout: 60_000 }, async () => {
    const issued = await call<unknown, { token: string }>(stack.client, 'addUser', { name: 'watcher', role: 'observer' });
    // the stack's node.up is an event to replay: a stream that has delivered it is open on the controller
    /** a Subscribe that replays and follows: `open` once it delivered, `ended` with how it ended */
    const follow = (token: string) => {
      const client = controlClient(stack.ctl.address, token);
      const stream = client.subscribe({ fromSeq: 0, envId: '', kinds: [], replayAll: true });
      const ended = new Promise<string>((resolve) => {
        stream.on('error', (e) => resolve(fromServiceError(e).code));
        stream.on('end', () => resolve('end'));
      });
      const open = new Promise<void>((resolve) => stream.once('data', () => resolve()));
      return { open, ended, close: () => client.close() };
    };
    const first = follow(issued.token);
    await first.open;
    const rotated = await call<unknown, { token: string }>(stack.client, 'newUserToken', { name: 'watcher' });
    assert.equal(await first.ended, 'UNAUTHENTICATED');
    first.close();
    const second = follow(rotated.token);
    await second.open;
    // the controller token's streams are not the user's: they go on
    const operator = follow(TOKEN);
    await operator.open;
    await call(stack.client, 'removeUser', { name: 'watcher' });
    assert.equal(await second.ended, 'UNAUTHENTICATED');
    second.close();
    const stillOpen = await Promise.race([operator.ended, call(stack.client, 'getInfo', {}).then(() => 'open')]);
    assert.equal(stillOpen, 'open');
    operator.close();
  });
});

// What the roles mean (issue 16): these rules hold whatever methods are added later.
describe('the rules table says what the roles mean', () => {
  test('an observer changes nothing: every mutating method needs shifter or more', () => {
    const open = (Object.entries(RULES) as [Method, (typeof RULES)[Method]][]).filter(([, r]) => r.mutating && r.role === 'observer').map(([m]) => m);
    assert.deepEqual(open, []);
  });
  test('shifters drive environments, experts also kill tasks and exclude roles, admins own nodes and users', () => {
    const needs: Partial<Record<Method, Role>> = {
      createEnvironment: 'shifter',
      controlEnvironment: 'shifter',
      destroyEnvironment: 'shifter',
      killTask: 'expert',
      excludeRole: 'expert',
      includeRole: 'expert',
      addNode: 'admin',
      removeNode: 'admin',
      listUsers: 'admin',
      addUser: 'admin',
      removeUser: 'admin',
      newUserToken: 'admin',
      whoAmI: 'observer',
      getInfo: 'observer',
      subscribe: 'observer',
    };
    for (const [method, role] of Object.entries(needs) as [Method, Role][]) assert.equal(RULES[method].role, role, method);
  });
});
