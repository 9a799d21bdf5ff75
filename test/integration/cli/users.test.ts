// Users and roles through the real CLI on a local stack: `local up` makes the OS user an admin
// whose token the CLI sends; `baton user add|list|token|remove`; what another user's token may do.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localStack, type LocalStack } from './harness.js';

const me = os.userInfo().username;

describe('baton user and whoami on a local stack', () => {
  let stack: LocalStack;
  const tokenFile = () => path.join(stack.home, 'local', 'user-token');
  before(async () => {
    stack = await localStack(['--agents', '1']);
  });
  after(async () => {
    await stack.down();
    fs.rmSync(stack.home, { recursive: true, force: true });
  });

  test('local up makes the OS user an admin; the CLI is that user, with no extra step', async () => {
    assert.deepEqual(await stack.json(['whoami']), { user: me, role: 'admin', client: 'cli', authenticatedBy: 'user-token' });
    assert.equal(fs.statSync(tokenFile()).mode & 0o077, 0, 'the token file is private');
    const users = await stack.json<{ name: string; role: string }[]>(['user', 'list']);
    assert.deepEqual(
      users.map((u) => [u.name, u.role]),
      [[me, 'admin']],
    );
  });

  test('an observer reads but may change nothing; the refusal names the method and the roles', async () => {
    const added = await stack.json<{ user: { name: string; role: string }; token: string }>(['user', 'add', 'olga', '--role', 'observer']);
    assert.deepEqual(added.user.role, 'observer');
    const asOlga = { env: { BATON_TOKEN: added.token } };
    assert.equal((await stack.json<{ user: string }>(['whoami'], asOlga)).user, 'olga');
    await stack.ok(['env', 'list'], asOlga);
    const create = await stack.run(['env', 'create', 'quick'], asOlga);
    assert.equal(create.code, 1, create.stderr);
    assert.match(create.stderr, /CreateEnvironment|createEnvironment/);
    assert.match(create.stderr, /shifter/);
    assert.match(create.stderr, /olga is observer/);
    assert.match(create.stderr, /PERMISSION_DENIED/);
    const promote = await stack.run(['user', 'add', 'eve', '--role', 'admin'], asOlga);
    assert.equal(promote.code, 1);
    assert.match(promote.stderr, /PERMISSION_DENIED/);
    assert.equal((await stack.json<unknown[]>(['user', 'list'])).length, 2, 'nothing was added');
  });

  test('user add prints the token once, on its own line; user token replaces it; user remove ends it', async () => {
    const added = await stack.ok(['user', 'add', 'sam', '--role', 'shifter']);
    const first = added.stdout.trim().split('\n').pop()!;
    assert.match(first, /^baton_u_\S+$/);
    assert.match(added.stdout, /shown this once/);
    const asSam = (token: string) => ({ env: { BATON_TOKEN: token } });
    assert.equal((await stack.json<{ role: string }>(['whoami'], asSam(first))).role, 'shifter');

    const rotated = await stack.json<{ token: string }>(['user', 'token', 'sam']);
    const old = await stack.run(['whoami'], asSam(first));
    assert.equal(old.code, 1);
    assert.match(old.stderr, /UNAUTHENTICATED/);
    assert.equal((await stack.json<{ user: string }>(['whoami'], asSam(rotated.token))).user, 'sam');

    await stack.ok(['user', 'remove', 'sam']);
    const gone = await stack.run(['env', 'list'], asSam(rotated.token));
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /UNAUTHENTICATED/);
    const list = await stack.ok(['user', 'list']);
    assert.doesNotMatch(list.stdout, /\bsam\b/);
  });

  test('bad input is exit 2 and changes nothing', async () => {
    for (const args of [
      ['user', 'add', 'rob', '--role', 'root'],
      ['user', 'add', 'has space', '--role', 'observer'],
      ['user', 'add', me, '--role', 'observer'],
    ]) {
      const r = await stack.run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /BAD_INPUT/);
    }
    const r = await stack.run(['user', 'remove', 'nobody']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no user "nobody"/);
    assert.deepEqual((await stack.json<{ name: string }[]>(['user', 'list'])).map((u) => u.name).sort(), [me, 'olga'].sort());
  });

  test('local down and up again keep the users and the local token', async () => {
    const token = fs.readFileSync(tokenFile(), 'utf8');
    const down = await stack.down();
    assert.equal(down.result.code, 0, down.result.stderr);
    await stack.ok(['local', 'up', '--agents', '1'], { timeoutMs: 120_000 });
    assert.equal(fs.readFileSync(tokenFile(), 'utf8'), token, 'the token that still works is kept');
    assert.deepEqual(await stack.json(['whoami']), { user: me, role: 'admin', client: 'cli', authenticatedBy: 'user-token' });
    assert.deepEqual((await stack.json<{ name: string }[]>(['user', 'list'])).map((u) => u.name).sort(), [me, 'olga'].sort());
  });
});
