// What the browser trainee checks when a walkthrough's controller leader changes (a wait_for a
// `leader` condition, walkthrough 15): that the console followed the new leader by itself. The
// console is live again, its Events list shows the node.up events the new leader emitted when it
// dialled the agents (events only the new leader can have sent), and the environment's page shows
// it RUNNING again. The page is left on the environment, where the next step's instructions lead.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScriptedContext } from '../../../core/training/scripted.js';
import type { Condition } from '../../../core/training/types.js';
import type { ConsoleApp } from '../pages/ConsoleApp.js';
import { EnvironmentPage } from '../pages/EnvironmentPage.js';
import { eventually } from '../support.js';

/** whether the condition looks at the cluster's leader */
export function mentionsLeader(c: Condition): boolean {
  return 'leader' in c || ('all' in c && c.all.some(mentionsLeader)) || ('any' in c && c.any.some(mentionsLeader));
}

/** the node.up events since the step began (the new leader's), once it has dialled every node */
async function newLeaderNodeUps(c: ScriptedContext): Promise<string[]> {
  const until = Date.now() + 60_000;
  for (;;) {
    const { nodes } = await c.live.view();
    const ups = c.live.events.slice(c.firstEvent).filter((e) => e.kind === 'node.up');
    if (ups.length && nodes.every((n) => !n.up || ups.some((e) => e.node === n.name))) return ups.map((e) => String(e.seq));
    if (Date.now() > until) throw new Error(`the new leader emitted no node.up for every node within 60 s (${ups.length} seen)`);
    await sleep(200);
  }
}

export async function consoleFollowsLeader(app: ConsoleApp, c: ScriptedContext): Promise<void> {
  const seqs = await newLeaderNodeUps(c);
  await app.waitLive(30_000);
  await app.nav('Events').click();
  const table = app.page.getByRole('table', { name: 'Events, newest first' });
  await table.waitFor();
  for (const seq of seqs) {
    const row = table.getByRole('row').filter({ has: app.page.getByRole('cell', { name: seq, exact: true }) });
    await eventually(`event #${seq} (node.up from the new leader) in the console's Events`, async () => (await row.count()) > 0, 30_000);
    await eventually(`event #${seq} is a node.up`, async () => (await row.first().textContent())?.includes('node.up'), 5_000);
  }
  await app.goto(`/envs/${encodeURIComponent(c.live.envId)}`);
  const env = new EnvironmentPage(app.page);
  await eventually('the environment RUNNING in the console after the take-over', async () => (await env.status.textContent())?.includes('RUNNING'), 30_000);
}
