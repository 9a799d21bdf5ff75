// baton env take|release <env>: move an environment's hold. Only its holder drives an
// environment; an expert takes it over with a reason (recorded in the audit trail), the holder
// or an expert releases it (then the first user who drives it holds it).
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import type { Environment } from '../../rpc/gen/control.js';
import { withControl } from '../context.js';
import { envJson } from '../json.js';
import { fmtTime, isJsonMode, out, printJson, withJson } from '../output.js';

/** "held by alice since 2026-12-02 14:03:11", or "free" */
export function holdText(e: Environment): string {
  return e.holder ? `held by ${e.holder} since ${fmtTime(e.heldSinceMs)}` : 'free (the first user who drives it holds it)';
}

export function registerHoldCommands(env: Command): void {
  withJson(
    env
      .command('take <id>')
      .description('take over the hold of an environment another user holds (expert role; the reason is recorded in the audit trail)')
      .requiredOption('--reason <text>', 'why you take it over (shown in `baton audit` and the console)'),
  ).action(async (id: string, o: { reason: string }, cmd: Command) => {
    if (!o.reason.trim()) throw new BatonError('BAD_INPUT', '--reason must say why you take the environment over', { where: '--reason' });
    await withControl(cmd, async (c) => {
      const e = await c.call('takeEnvironment', { id, reason: o.reason });
      if (isJsonMode()) return printJson(envJson(e));
      out(`${id} is now ${holdText(e)}`);
    });
  });

  withJson(env.command('release <id>').description('release your hold of an environment (its holder, or an expert)')).action(
    async (id: string, _o, cmd: Command) => {
      await withControl(cmd, async (c) => {
        const e = await c.call('releaseEnvironment', { id });
        if (isJsonMode()) return printJson(envJson(e));
        out(`${id} released: ${holdText(e)}`);
      });
    },
  );
}
