// `baton env take|release` and `baton audit` as an operator runs them: the real `baton` command
// (a child process) against a real controller that knows several users (the test authenticator
// of users.ts: BATON_TOKEN picks the user). A refused command exits 1 naming the holder.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Environment } from '../../../core/rpc/gen/control.js';
import { baton } from '../cli/harness.js';
import { call } from '../controller/harness.js';
import { parseTimeFlag } from '../../../core/cli/commands/audit.js';
import { startUsersStack, tokenOf, type UsersStack } from './users.js';

describe('baton env take|release and baton audit', { timeout: 120_000 }, () => {
  let s: UsersStack;
  let envId = '';
  const as = (user: string, args: string[]) => baton(s.stack.home, args, { env: { BATON_CONTROLLER: s.stack.ctl.address, BATON_TOKEN: tokenOf(user) } });

  before(async () => {
    s = await startUsersStack();
    const env = await call<unknown, Environment>(s.as('alice'), 'createEnvironment', {
      workflow: 'plain',
      vars: {},
      repo: '',
      revision: '',
      owner: '',
      autoDeploy: false,
      name: '',
      runType: '',
    });
    envId = env.id;
  });
  after(() => s?.stop());

  it('shows the holder, refuses another user naming it, and lets an expert take over with a reason', async () => {
    const show = await as('bob', ['env', 'show', envId]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /held by alice since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);

    const deploy = await as('bob', ['env', 'control', envId, 'DEPLOY']);
    assert.equal(deploy.code, 1);
    assert.match(deploy.stderr, /held by alice since/);

    const noReason = await as('erin', ['env', 'take', envId]);
    assert.equal(noReason.code, 2, 'a missing --reason is a usage error');
    assert.match(noReason.stderr, /--reason/);
    const take = await as('erin', ['env', 'take', envId, '--reason', 'beam tuning needs the TPC now']);
    assert.equal(take.code, 0, take.stderr);
    assert.match(take.stdout, /held by erin since/);

    const release = await as('alice', ['env', 'release', envId]);
    assert.equal(release.code, 1);
    assert.match(release.stderr, /only erin or an expert may release it/);
    const released = await as('erin', ['env', 'release', envId, '--json']);
    assert.equal(released.code, 0, released.stderr);
    assert.equal(JSON.parse(released.stdout).holder, null);
  });

  it('baton audit lists the requests with who, the client and the outcome, filtered', async () => {
    const all = await as('olga', ['audit']);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /erin\s+expert\s+cli\s+TakeEnvironment\s+\S+\s+ok\s+.*beam tuning needs the TPC now/);
    assert.match(all.stdout, /bob\s+shifter\s+cli\s+ControlEnvironment\s+\S+\s+HELD/);

    const bobs = JSON.parse((await as('olga', ['audit', '--user', 'bob', '--json'])).stdout) as {
      user: string;
      outcome: string;
      args: { transition?: string };
    }[];
    assert.ok(bobs.length >= 1 && bobs.every((r) => r.user === 'bob'));
    assert.equal(bobs[0]!.args.transition, 'DEPLOY');
    const onEnv = JSON.parse((await as('olga', ['audit', '--env', envId, '--since', '1h', '--json'])).stdout) as { envId: string }[];
    assert.ok(onEnv.length >= 4 && onEnv.every((r) => r.envId === envId));
    const future = JSON.parse((await as('olga', ['audit', '--since', '2999-01-01', '--json'])).stdout) as unknown[];
    assert.deepEqual(future, []);
    const bad = await as('olga', ['audit', '--since', 'yesterday']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since "yesterday": expected a time/);
  });

  it('reads times as durations back from now or as dates', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    assert.equal(parseTimeFlag('2h', '--since', now), now - 7_200_000);
    assert.equal(parseTimeFlag('3d', '--since', now), now - 3 * 86_400_000);
    assert.equal(parseTimeFlag('2026-12-01T10:00:00Z', '--since', now), Date.parse('2026-12-01T10:00:00Z'));
  });
});
