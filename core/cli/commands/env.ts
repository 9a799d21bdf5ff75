// baton env create|list|show|control|destroy (exclude|include: env-roles.ts)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { allowedEnvTransitions, ENV_STATES, type EnvState } from '../../model/states.js';
import { errorLine } from '../errors.js';
import { BatonError } from '../../model/errors.js';
import { detailFromProto } from '../../rpc/errors.js';
import type { Environment } from '../../rpc/gen/control.js';
import { collect, parseDuration, parseTransition, parseVars } from '../args.js';
import { withControl } from '../context.js';
import { envJson } from '../json.js';
import { fmtAge, fmtDuration, info, isJsonMode, out, printJson, table, withJson } from '../output.js';
import { progressView, runTransition } from '../progress.js';
import { renderRoleTree, renderTaskTable } from '../tree.js';
import { registerRoleCommands } from './env-roles.js';
import { holdText, registerHoldCommands } from './env-holds.js';

/** A workflow file or repo given as a local path is sent absolute (the controller's cwd differs). */
function localPath(p: string | undefined): string {
  if (!p) return '';
  const looksLikePath = p.includes('/') || p.endsWith('.yaml') || p.endsWith('.yml') || p.startsWith('.');
  return looksLikePath && fs.existsSync(p) ? path.resolve(p) : p;
}

function countsText(e: Environment): string {
  const c = e.counts;
  if (!c || !c.total) return `${e.tasks.length || 0}`;
  const parts = Object.entries(c.byState)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`);
  return `${c.total}${parts.length ? ` (${parts.join(', ')}${c.lost ? `, lost ${c.lost}` : ''})` : ''}`;
}

function interruptSignal(): AbortSignal {
  const ac = new AbortController();
  const onSig = () => ac.abort();
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  return ac.signal;
}

async function getEnv(c: import('../../rpc/control-client.js').ControlConnection, id: string, tree = true): Promise<Environment> {
  return c.call('getEnvironment', { id, withTasks: true, withTree: tree });
}

export function register(program: Command): void {
  const env = program.command('env').description('environments: create, list, show, drive through transitions, destroy');

  withJson(
    env
      .command('create <workflow>')
      .description('create an environment from a workflow (a name in the template repos, or a path to a workflow file)')
      .option('--var <key=value>', 'set a workflow variable (repeatable)', collect, [])
      .option('--repo <dir>', 'template repo (directory or git repo); default: the shipped assets')
      .option('--revision <rev>', 'git revision of the repo')
      .option('--name <name>', "a display name (default: the workflow's name and run type)")
      .option('--run-type <type>', 'the run type of its runs when START_ACTIVITY names none (e.g. PHYSICS, COSMICS)')
      .option('--deploy', 'DEPLOY right after creating it, showing progress')
      .option('--timeout <duration>', 'deadline of the DEPLOY with --deploy (e.g. 30s)')
      .option('-q, --quiet', 'print only the id'),
  ).action(
    async (
      workflow: string,
      o: { var: string[]; repo?: string; revision?: string; name?: string; runType?: string; deploy?: boolean; timeout?: string; quiet?: boolean },
      cmd: Command,
    ) => {
      const vars = parseVars(o.var);
      const timeoutMs = o.timeout ? parseDuration(o.timeout, '--timeout') : undefined;
      await withControl(cmd, async (c) => {
        let e = await c.call(
          'createEnvironment',
          {
            workflow: localPath(workflow),
            vars,
            repo: localPath(o.repo),
            revision: o.revision ?? '',
            owner: os.userInfo().username,
            autoDeploy: false,
            name: o.name ?? '',
            runType: o.runType ?? '',
          },
          120_000,
        );
        if (o.deploy) {
          if (!isJsonMode() && !o.quiet) info(`created ${e.name} (${e.id}) from ${e.workflow}; deploying`);
          try {
            await runTransition(c, e.id, 'DEPLOY', { timeoutMs, view: progressView(process.stderr, !isJsonMode() && !o.quiet), signal: interruptSignal() });
          } catch (err) {
            info(`environment ${e.id} was created but DEPLOY failed`);
            throw err;
          }
          e = await getEnv(c, e.id, false);
        }
        if (isJsonMode()) printJson(envJson(e));
        else if (o.quiet) out(e.id);
        else out(`${e.id} "${e.name}" created from ${e.workflow}: ${e.state}, tasks ${countsText(e)}`);
      });
    },
  );

  withJson(env.command('list').alias('ls').description('list environments')).action(async (_o, cmd: Command) => {
    await withControl(cmd, async (c) => {
      const envs = (await c.call('listEnvironments', {})).environments;
      if (isJsonMode()) return printJson(envs.map((e) => envJson(e)));
      if (!envs.length) return out('no environments (create one with `baton env create <workflow>`)');
      out(
        table(
          ['ID', 'NAME', 'WORKFLOW', 'STATE', 'RUN', 'TASKS', 'AGE'],
          envs.map((e) => [
            e.id,
            e.name || '-',
            e.workflow,
            e.transition ? `${e.state} -> ${e.transition}` : e.state,
            e.runNumber ?? '-',
            countsText(e),
            fmtAge(e.createdMs),
          ]),
        ),
      );
    });
  });

  withJson(env.command('show <id>').description('an environment: state, run number, role tree with aggregated states, tasks')).action(
    async (id: string, _o, cmd: Command) => {
      await withControl(cmd, async (c) => {
        const e = await getEnv(c, id);
        if (isJsonMode()) return printJson(envJson(e, { tree: true }));
        out(
          `${e.id}  ${e.name}  (${e.workflow}${e.runType ? `, run type ${e.runType}` : ''})  ${e.state}${e.runNumber != null ? `  run ${e.runNumber}` : ''}${e.transition ? `  (${e.transition} under way)` : ''}${e.degraded ? '  DEGRADED' : ''}`,
        );
        const vars = Object.entries(e.vars)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
        out(`  created ${fmtAge(e.createdMs)} ago${e.owner ? ` by ${e.owner}` : ''}${e.repo ? `, repo ${e.repo}${e.revision ? `@${e.revision}` : ''}` : ''}`);
        out(`  ${holdText(e)}`);
        if (e.claimedDetectors.length || e.claimedNodes.length) {
          out(`  claims ${[...e.claimedDetectors.map((d) => `detector ${d}`), ...e.claimedNodes.map((n) => `node ${n}`)].join(', ')}`);
        }
        if (vars) out(`  vars ${vars}`);
        out(`  tasks ${countsText(e)}`);
        for (const x of e.awaitingReap) out(`  awaiting reaping on ${x.node}: ${x.taskName} (pid ${x.pid || '?'})`);
        if (e.error?.code) {
          const d = detailFromProto(e.error);
          out(`  error: ${errorLine(d)} [${d.code}]`);
          for (const l of (d.lastLines ?? []).slice(-10)) out(`    | ${l}`);
        }
        out('');
        out(e.root ? renderRoleTree(e.root, e.tasks) : renderTaskTable(e.tasks));
        if ((ENV_STATES as readonly string[]).includes(e.state)) {
          const next = allowedEnvTransitions(e.state as EnvState);
          if (next.length) out(`\nnext: ${next.join(', ')}  (baton env control ${e.id} <TRANSITION>)`);
        }
      });
    },
  );

  withJson(
    env
      .command('control <id> <transition>')
      .description('run a transition: DEPLOY, CONFIGURE, START_ACTIVITY, STOP_ACTIVITY, RESET, EXIT, GO_ERROR, RECOVER')
      .option('--timeout <duration>', "deadline for the whole transition (e.g. 30s, 2m); default: the controller's")
      .option('--arg <key=value>', 'an argument passed with the transition (repeatable)', collect, [])
      .option('--run-type <type>', "START_ACTIVITY: the run's type (default: the environment's)"),
  ).action(async (id: string, t: string, o: { timeout?: string; arg: string[]; runType?: string }, cmd: Command) => {
    const transition = parseTransition(t);
    const timeoutMs = o.timeout ? parseDuration(o.timeout, '--timeout') : undefined;
    const args = parseVars(o.arg, '--arg');
    if (o.runType !== undefined) {
      if (transition !== 'START_ACTIVITY') throw new BatonError('BAD_INPUT', '--run-type goes with START_ACTIVITY only', { where: '--run-type' });
      args.run_type = o.runType;
    }
    await withControl(cmd, async (c) => {
      const view = progressView(process.stderr, !isJsonMode());
      const final = await runTransition(c, id, transition, { timeoutMs, args, view, signal: interruptSignal() });
      if (isJsonMode()) {
        const e = await getEnv(c, id, false);
        return printJson({
          ...envJson(e),
          ...(e.awaitingReap.length ? { awaitingReap: e.awaitingReap } : {}),
          outcome: { transition, ok: true, state: final.state, runNumber: final.runNumber ?? null, durationMs: final.durationMs },
        });
      }
      const run = final.runNumber != null && transition === 'START_ACTIVITY' ? ` (run ${final.runNumber})` : '';
      out(`${transition} done in ${fmtDuration(final.durationMs)}: ${id} is ${final.state}${run}`);
      // an EXIT whose tasks' agent was away: they may still run until it comes back and stops them
      const after = transition === 'EXIT' ? await c.call('getEnvironment', { id, withTasks: false, withTree: false }) : null;
      for (const x of after?.awaitingReap ?? []) out(`  awaiting reaping on ${x.node}: ${x.taskName} (pid ${x.pid || '?'})`);
    });
  });

  withJson(
    env
      .command('destroy <id>')
      .description('stop every task of an environment (graded kill) and remove it')
      .option('--force', 'kill the tasks at once instead of the graded EXIT'),
  ).action(async (id: string, o: { force?: boolean }, cmd: Command) => {
    await withControl(cmd, async (c) => {
      const t0 = Date.now();
      const e = await c.call('destroyEnvironment', { id, force: !!o.force }, 120_000);
      if (isJsonMode()) return printJson({ ...envJson(e), ...(e.awaitingReap.length ? { awaitingReap: e.awaitingReap } : {}) });
      out(`${id} destroyed in ${fmtDuration(Date.now() - t0)} (was ${e.name || e.workflow}${e.state ? `, ${e.state}` : ''})`);
      // their agent was away: they may still run until it comes back and they are reaped
      for (const x of e.awaitingReap) out(`  awaiting reaping on ${x.node}: ${x.taskName} (pid ${x.pid || '?'})`);
    });
  });

  registerRoleCommands(env);
  registerHoldCommands(env);
}
