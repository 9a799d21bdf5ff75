// baton user add|list|remove|token, baton whoami: the controller's users and roles
// (docs/security.md). The user commands need the admin role; whoami any.
import type { Command } from 'commander';
import { ROLES } from '../../controller/auth/caller.js';
import { BatonError } from '../../model/errors.js';
import type { User, UserToken } from '../../rpc/gen/control.js';
import { withControl } from '../context.js';
import { fmtTime, isJsonMode, out, printJson, table, withJson } from '../output.js';

const ROLE_NAMES: readonly string[] = ROLES;

function userJson(u: User | undefined) {
  return u ? { name: u.name, role: u.role, createdMs: u.createdMs, tokenMs: u.tokenMs } : null;
}

/** The token goes to stdout once, alone on its line (so `| tail -1` takes it); --json gives {user, token}. */
function showToken(issued: UserToken, what: string): void {
  if (isJsonMode()) return printJson({ user: userJson(issued.user), token: issued.token });
  const name = issued.user?.name ?? '?';
  out(`${what}. The token is shown this once (the controller keeps only its hash); give it to ${name} for BATON_TOKEN:`);
  out(issued.token);
}

export function register(program: Command): void {
  const user = program.command('user').description('users and their roles (observer, shifter, expert, admin); admin only');

  withJson(
    user
      .command('add <name>')
      .description('add a user with a role and print its token (once)')
      .requiredOption('--role <role>', `one of ${ROLE_NAMES.join(', ')}`),
    'print {user, token}',
  ).action(async (name: string, o: { role: string }, cmd: Command) => {
    if (!ROLE_NAMES.includes(o.role)) {
      throw new BatonError('BAD_INPUT', `--role ${o.role}: expected one of ${ROLE_NAMES.join(', ')}`, { where: '--role' });
    }
    await withControl(cmd, async (c) => {
      const issued = await c.call('addUser', { name, role: o.role });
      showToken(issued, `user ${name} added (${issued.user?.role})`);
    });
  });

  withJson(user.command('list').alias('ls').description('the users, their roles and when their tokens were made')).action(async (_o, cmd: Command) => {
    await withControl(cmd, async (c) => {
      const users = (await c.call('listUsers', {})).users;
      if (isJsonMode()) return printJson(users.map(userJson));
      if (!users.length) return out('no users (the controller token stands for the admin: baton user add NAME --role R)');
      out(
        table(
          ['USER', 'ROLE', 'ADDED', 'TOKEN MADE'],
          users.map((u) => [u.name, u.role, fmtTime(u.createdMs), fmtTime(u.tokenMs)]),
        ),
      );
    });
  });

  withJson(user.command('remove <name>').alias('rm').description('remove a user: its token stops working at once')).action(
    async (name: string, _o, cmd: Command) => {
      await withControl(cmd, async (c) => {
        const removed = await c.call('removeUser', { name });
        if (isJsonMode()) return printJson(userJson(removed));
        out(`user ${removed.name} (${removed.role}) removed`);
      });
    },
  );

  withJson(user.command('token <name>').description('a new token for a user (printed once); the old one stops working at once'), 'print {user, token}').action(
    async (name: string, _o, cmd: Command) => {
      await withControl(cmd, async (c) => {
        const issued = await c.call('newUserToken', { name });
        showToken(issued, `a new token for ${name} (${issued.user?.role}); the old one no longer works`);
      });
    },
  );

  withJson(program.command('whoami').description('who the controller takes you for: your user, role and how you were recognised')).action(
    async (_o, cmd: Command) => {
      await withControl(cmd, async (c) => {
        const me = await c.call('whoAmI', {});
        if (isJsonMode()) return printJson(me);
        out(`${me.user} (${me.role}), by ${me.authenticatedBy}, as ${me.client}`);
      });
    },
  );
}
