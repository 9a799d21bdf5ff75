// Two (and more) users before users exist: until the identity work lands, the controller knows one
// user (the OS user, admin). These tests give it a test-only authenticator through the seam
// ControllerOptions.authenticate: each token stands for one user with one role. Everything after
// authentication (rules, holds, claims, audit) is the real code.
import * as grpc from '@grpc/grpc-js';
import * as path from 'node:path';
import { BatonError } from '../../../core/model/errors.js';
import { CLIENT_HEADER, clientKindOf, type Caller, type Role } from '../../../core/controller/auth/caller.js';
import type { MetadataAuthenticator } from '../../../core/controller/auth/authenticate.js';
import { ControlClient } from '../../../core/rpc/gen/control.js';
import { tokenInterceptor } from '../../../core/rpc/auth.js';
import { startStack, tempHome, tempRepo, type Stack } from '../controller/harness.js';

export const USERS: Record<string, Role> = { alice: 'shifter', bob: 'shifter', erin: 'expert', olga: 'observer' };

export function tokenOf(user: string): string {
  return `token-of-${user}`;
}

/** token-of-<user> -> that user with its role in USERS; any other token is UNAUTHENTICATED */
export function testAuthenticator(users: Record<string, Role> = USERS): MetadataAuthenticator {
  return (md: grpc.Metadata): Caller => {
    const sent = String(md.get('authorization')[0] ?? '').replace(/^Bearer /, '');
    const user = Object.keys(users).find((u) => tokenOf(u) === sent);
    if (!user) throw new BatonError('UNAUTHENTICATED', 'unknown token (test authenticator)');
    return { user, role: users[user]!, client: clientKindOf(md) };
  };
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
  const stack = await startStack({ home, simAgents: 1, controller: { authenticate: testAuthenticator(), templateRepos: [path.resolve(repo)] } });
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
