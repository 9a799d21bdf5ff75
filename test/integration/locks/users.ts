// Two (and more) users: real users of the controller (AddUser, by the admin token), each with
// its own token and role. Everything after authentication (rules, holds, claims, audit) is the
// real code.
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { BatonError } from '../../../core/model/errors.js';
import * as path from 'node:path';
import { CLIENT_HEADER, type Role } from '../../../core/controller/auth/caller.js';
import { ControlClient, type Environment } from '../../../core/rpc/gen/control.js';
import { tokenInterceptor } from '../../../core/rpc/auth.js';
import { call, startStack, tempHome, tempRepo, TOKEN, type Stack } from '../controller/harness.js';

export const USERS: Record<string, Role> = { alice: 'shifter', bob: 'shifter', erin: 'expert', olga: 'observer' };

const tokens = new Map<string, string>();

/** the token AddUser issued to `user` (issueUsers first) */
export function tokenOf(user: string): string {
  const token = tokens.get(user);
  if (!token) throw new Error(`no token issued to ${user}: call issueUsers first`);
  return token;
}

/** Adds USERS to the controller at `address`, as its admin (the controller token). */
export async function issueUsers(address: string, adminToken: string, users: Record<string, Role> = USERS): Promise<void> {
  const admin = new ControlClient(address, grpc.credentials.createInsecure(), { interceptors: [tokenInterceptor(adminToken)] });
  try {
    for (const [name, role] of Object.entries(users)) {
      const issued = await call<unknown, { token: string }>(admin, 'addUser', { name, role });
      tokens.set(name, issued.token);
    }
  } finally {
    admin.close();
  }
}

/** A Control client calling as `user`, through `client` (the x-baton-client header). */
export function clientAs(address: string, user: string, client?: string): ControlClient {
  const interceptors: grpc.Interceptor[] = [tokenInterceptor(tokenOf(user))];
  if (client) {
    interceptors.push(
      (options, nextCall) =>
        new grpc.InterceptingCall(nextCall(options), {
          start(metadata, listener, next) {
            metadata.set(CLIENT_HEADER, client);
            next(metadata, listener);
          },
        }),
    );
  }
  return new ControlClient(address, grpc.credentials.createInsecure(), { interceptors });
}

/** Workflows of sim tasks: claims on detectors (literal and from a var), on nodes, and a slow one. */
export const WORKFLOWS: Record<string, string> = {
  'workflows/tpc.yaml': 'name: tpc\nclaims: {detectors: [TPC]}\nroles:\n  - name: s\n    task: {class: sim}\n',
  'workflows/tpc-its.yaml': 'name: tpc-its\nclaims:\n  detectors: [ITS, TPC]\nroles:\n  - name: s\n    task: {class: sim}\n',
  'workflows/one-detector.yaml':
    'name: one-detector\nvars:\n  detector: {type: string, default: MFT}\nclaims:\n  detectors: ["{{ detector }}"]\nroles:\n  - name: s\n    task: {class: sim}\n',
  'workflows/whole-farm.yaml': 'name: whole-farm\nclaims:\n  nodes: {sim: "true"}\nroles:\n  - name: s\n    task: {class: sim}\n',
  'workflows/plain.yaml':
    'name: plain\nvars:\n  delay_ms: {type: int, default: 0}\n  fail_rate: {type: float, default: 0}\n  note: {type: string, default: ""}\nroles:\n  - name: s\n    task: {class: sim}\n',
};

export interface UsersStack {
  stack: Stack;
  as(user: string, client?: string): ControlClient;
  stop(): Promise<void>;
}

/** A real controller and one sim agent, with the test authenticator and the workflows above. */
export async function startUsersStack(): Promise<UsersStack> {
  const home = tempHome();
  const repo = tempRepo(home, WORKFLOWS);
  const stack = await startStack({ home, simAgents: 1, controller: { templateRepos: [path.resolve(repo)] } });
  await issueUsers(stack.ctl.address, TOKEN);
  const clients: ControlClient[] = [];
  return {
    stack,
    as(user, client) {
      const c = clientAs(stack.ctl.address, user, client);
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.close();
      await stack.stop();
    },
  };
}

/** CreateEnvironment as the caller of `c`, with every request field given (the generated codec
 *  writes what it is handed) */
export function createAs(c: ControlClient, workflow: string, vars: Record<string, string> = {}): Promise<Environment> {
  return call<unknown, Environment>(c, 'createEnvironment', { workflow, vars, repo: '', revision: '', owner: '', autoDeploy: false, name: '', runType: '' });
}

/** the BatonError `p` is refused with (fails the test when it is not refused) */
export async function refused(p: Promise<unknown>): Promise<BatonError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof BatonError, `expected a BatonError, got ${String(e)}`);
    return e;
  }
  assert.fail('the call was not refused');
}
