// baton env exclude|include <env> <role>: take a role out of a CONFIGURED or RUNNING environment,
// or put it back, without touching the rest (the run stays open).
import type { Command } from 'commander';
import { parseDuration } from '../args.js';
import { withControl } from '../context.js';
import { envJson } from '../json.js';
import { fmtDuration, isJsonMode, out, printJson, withJson } from '../output.js';

export function registerRoleCommands(env: Command): void {
  for (const [verb, method, what] of [
    ['exclude', 'excludeRole', 'take a non-critical role (or an iterator item above its nmin) out of a CONFIGURED or RUNNING environment; its tasks end'],
    ['include', 'includeRole', "put an excluded role back: its tasks are launched and brought to the environment's state"],
  ] as const) {
    withJson(env.command(`${verb} <id> <role>`).description(what).option('--timeout <duration>', "deadline (e.g. 30s); default: the controller's")).action(
      async (id: string, role: string, o: { timeout?: string }, cmd: Command) => {
        const timeoutMs = o.timeout ? parseDuration(o.timeout, '--timeout') : 0;
        await withControl(cmd, async (c) => {
          const t0 = Date.now();
          const e = await c.call(method, { envId: id, role, timeoutMs }, 120_000 + timeoutMs);
          if (isJsonMode()) return printJson(envJson(e, { tree: true }));
          const run = e.runNumber != null ? `, run ${e.runNumber}` : '';
          out(`${role} ${verb}d in ${fmtDuration(Date.now() - t0)}: ${id} is ${e.state}${run}`);
        });
      },
    );
  }
}
