// Two users of the controller (alice and bob, shifters), added by the admin token, and a way to
// hand an environment from one to the next: these tests are about who started and stopped a
// run, not about holds (test/integration/locks/ covers those), so before each transition the
// environment is freed (the admin takes it over and releases it) and the next caller to drive it
// holds it, as at a shift change.
import { call, controlClient, control as controlAs, mustControl as mustControlAs, type Stack } from './harness.js';
import { issueUsers, tokenOf } from '../locks/users.js';
import { TOKEN } from './harness.js';
import type { ControlClient } from '../../../core/rpc/gen/control.js';

export const RUN_USERS = { alice: 'shifter', bob: 'shifter' } as const;

export async function addRunUsers(stack: Stack): Promise<void> {
  await issueUsers(stack.ctl.address, TOKEN, RUN_USERS);
}

export function clientOf(stack: Stack, user: keyof typeof RUN_USERS): ControlClient {
  return controlClient(stack.ctl.address, tokenOf(user));
}

export async function handOver(stack: Stack, envId: string): Promise<void> {
  await call(stack.client, 'takeEnvironment', { id: envId, reason: 'test: hand-over' });
  await call(stack.client, 'releaseEnvironment', { id: envId });
}

/** the harness's control/mustControl, after a hand-over */
export function handingOver(stack: () => Stack) {
  return {
    control: async (...args: Parameters<typeof controlAs>) => {
      await handOver(stack(), args[1]);
      return controlAs(...args);
    },
    mustControl: async (...args: Parameters<typeof mustControlAs>) => {
      await handOver(stack(), args[1]);
      return mustControlAs(...args);
    },
  };
}
