// The browser trainee: performs a walkthrough's `trainee` actions by clicking the console in
// Chromium (the transition bar, a task's Kill with its confirmation, a role's Exclude, the hold
// bar's Take over, a node's Drain; after a fail-over, the console following the new leader), so that CI finds a walkthrough that no longer matches the
// console. What a person does at a terminal (answers, `baton local up`) and the waits are done as
// the scripted trainee does them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Performer } from '../../../core/training/runner.js';
import { nodeOfRole, performScripted, type ScriptedContext } from '../../../core/training/scripted.js';
import { taskOf } from '../../../core/training/conditions.js';
import type { TraineeAction } from '../../../core/training/types.js';
import type { ConsoleApp } from '../pages/ConsoleApp.js';
import { EnvironmentPage } from '../pages/EnvironmentPage.js';
import { HoldBar } from '../pages/HoldAndAuditPages.js';
import { RolesSection } from '../pages/KeepAlivePages.js';
import { NodesPage } from '../pages/NodesPage.js';
import { TasksPage } from '../pages/TasksPage.js';
import { eventually } from '../support.js';
import { consoleFollowsLeader, mentionsLeader } from './follow-leader.js';

/** the longest a pressed transition may run before the trainee goes on (the step's checks judge) */
const TRANSITION_MS = 90_000;
/** a press that starts nothing (refused: HELD, BUSY, a failed hook) shows within this */
const REFUSED_MS = 3_000;

export function envPath(envId: string, tab = ''): string {
  return `/envs/${encodeURIComponent(envId)}${tab ? `/${tab}` : ''}`;
}

/** Opens the environment's page unless it is shown already (a page without a live controller
 *  cannot be opened again: the trainee stays where it is). */
export async function showEnvironment(app: ConsoleApp, envId: string, tab = ''): Promise<void> {
  const want = envPath(envId, tab);
  if (new URL(app.page.url()).pathname === want) return;
  await app.goto(want);
  await new EnvironmentPage(app.page).status.waitFor();
}

async function press(app: ConsoleApp, c: ScriptedContext, transition: string): Promise<void> {
  await showEnvironment(app, c.live.envId);
  const env = new EnvironmentPage(app.page);
  const before = (await c.live.view()).env.state;
  const button = env.button(transition);
  await button.waitFor();
  await eventually(`${transition} enabled in the console`, () => button.isEnabled(), 30_000);
  await button.click();
  // then wait for it to end, as a person watches the progress before the next press; the console
  // asks before some transitions (STOP_ACTIVITY, EXIT): confirm when it does
  const dialog = app.page.getByRole('dialog', { name: new RegExp(`^${transition} `) });
  const t0 = Date.now();
  let started = false;
  while (Date.now() - t0 < TRANSITION_MS) {
    if (!started && (await dialog.isVisible())) await dialog.getByRole('button', { name: transition, exact: true }).click();
    const { env: now, controllerUp } = await c.live.view();
    if (controllerUp && now.transition) started = true;
    else if (controllerUp && (now.state !== before || started)) return;
    else if (!started && Date.now() - t0 > REFUSED_MS) return;
    await sleep(150);
  }
}

async function killTask(app: ConsoleApp, c: ScriptedContext, role: string): Promise<void> {
  const task = taskOf(await c.live.view(), role);
  if (!task) throw new Error(`the browser trainee found no task ${role}`);
  await showEnvironment(app, c.live.envId, 'tasks');
  const drawer = await new TasksPage(app.page).open(task.name);
  await drawer.root.getByRole('button', { name: 'Kill task' }).click();
  const dialog = app.page.getByRole('dialog', { name: `Kill ${task.name}?` });
  await dialog.getByRole('button', { name: 'Kill', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  await drawer.close();
}

async function roleAction(app: ConsoleApp, c: ScriptedContext, verb: 'Exclude' | 'Include', role: string): Promise<void> {
  await showEnvironment(app, c.live.envId);
  const roles = new RolesSection(app.page);
  await eventually(`${verb} ${role} enabled in the console`, () => roles.button(verb, role).isEnabled(), 30_000);
  const dialog = await roles.ask(verb, role);
  await roles.confirm(dialog, verb);
  await roles.done(role, verb).or(roles.failure(verb, role)).first().waitFor({ timeout: 60_000 });
}

async function nodeAction(app: ConsoleApp, c: ScriptedContext, action: 'Cordon' | 'Drain' | 'Uncordon', role: string): Promise<void> {
  const node = await nodeOfRole(c, role);
  if (new URL(app.page.url()).pathname !== '/nodes') await app.goto('/nodes');
  const nodes = new NodesPage(app.page);
  await eventually(`${action} ${node} enabled in the console`, () => nodes.action(node, action).isEnabled(), 30_000);
  await nodes.act(node, action);
}

/** A performer for runWalkthrough that works in the console shown by `app`. */
export function browserTrainee(app: ConsoleApp): Performer {
  return async (actions, c) => {
    for (const a of actions as TraineeAction[]) {
      if ('transition' in a) await press(app, c, a.transition);
      else if ('kill_task' in a) await killTask(app, c, a.kill_task.role);
      else if ('exclude' in a) await roleAction(app, c, 'Exclude', a.exclude.role);
      else if ('include' in a) await roleAction(app, c, 'Include', a.include.role);
      else if ('take_over' in a) {
        await showEnvironment(app, c.live.envId);
        await new HoldBar(app.page).takeOver(a.take_over.reason);
      } else if ('cordon' in a) await nodeAction(app, c, 'Cordon', a.cordon.of);
      else if ('drain' in a) await nodeAction(app, c, 'Drain', a.drain.of);
      else if ('uncordon' in a) await nodeAction(app, c, 'Uncordon', a.uncordon.of);
      else if ('wait_for' in a && mentionsLeader(a.wait_for)) {
        // a fail-over: the wait, then the console seen following the new leader (follow-leader.ts)
        await performScripted([a], c);
        await consoleFollowsLeader(app, c);
      }
      // a terminal's part (answers, baton local up) and the waits: as the scripted trainee
      else await performScripted([a], c);
    }
  };
}
