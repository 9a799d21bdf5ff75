// Controller fail-over: three `baton controller --store etcd://...` processes on one real etcd, two
// agents, the quick workflow RUNNING. Each round kills the leader with -9 and measures, from the
// kill, when a successor answers Control calls (a client given every address, as the CLI is) and
// when it has re-dialled both agents and adopted the tasks (every task RUNNING, not lost, same
// pids); then STOP_ACTIVITY and START_ACTIVITY through it, and the killed controller is started
// again as a follower. Runs lost = run numbers skipped or repeated over all rounds.
import type { Benchmark, BenchOutput } from '../bench.js';
import { figure } from '../results.js';
import { percentile } from '../stats.js';
import { connectControl, type ControlConnection } from '../../../core/rpc/control-client.js';
import { startCluster, TOKEN } from '../../integration/failover/cluster.js';
import { watchLeaderKey } from '../failover-timeline.js';
import { loadavg } from '../machine.js';

const PREFIX = 'baton-failover';

/** one take-over, in ms from the kill (wall clock) */
interface TakeOver {
  /** the dead leader's key deleted: its lease expired on etcd */
  expired: number;
  /** a successor created the key: it won the campaign */
  elected: number;
  /** the successor restored its state from etcd (it then takes the follower's server over); from its own log */
  restored: number;
  /** the successor said it serves (restored, serving, agents dialled); from its own log */
  started: number;
  /** the first Control reply a client given every address got */
  firstReply: number;
  /** both agents up and every task RUNNING, same pid */
  adopted: number;
  load: string;
}

async function transition(c: ControlConnection, id: string, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let last: { ok?: boolean; final?: boolean; runNumber?: number; error?: unknown } | undefined;
    const s = c.stream('controlEnvironment', { id, transition: name, timeoutMs: 30_000, args: {}, runType: '' } as never);
    s.on('data', (p) => (last = p as typeof last));
    s.on('error', reject);
    s.on('end', () => (last?.final && last.ok ? resolve(last.runNumber ?? 0) : reject(new Error(`${name}: ${JSON.stringify(last?.error ?? last)}`))));
  });
}

async function tasksOf(c: ControlConnection, id: string) {
  const e = await c.call('getEnvironment', { id, withTasks: true, withTree: false } as never, 2000);
  return { env: e, tasks: e.tasks.map((t) => ({ name: t.name, pid: t.pid, state: t.state, lost: t.lost })) };
}

export const failover: Benchmark = {
  name: 'failover',
  title: 'Controller fail-over on etcd (kill -9 of the leader while RUNNING)',
  async run(ctx): Promise<BenchOutput> {
    const rounds = ctx.smoke ? 2 : Number(process.env.BATON_FAILOVER_ROUNDS ?? 12);
    const cluster = await startCluster({ controllers: 3 });
    const client = connectControl(cluster.all, { token: TOKEN, client: 'api' });
    const timeline = await watchLeaderKey(cluster.etcd.endpoint, PREFIX);
    const takeOvers: TakeOver[] = [];
    const runNumbers: number[] = [];
    let restartedTasks = 0;
    try {
      await cluster.leader();
      const env = await client.call('createEnvironment', {
        workflow: 'quick',
        vars: {},
        repo: '',
        revision: '',
        owner: '',
        autoDeploy: false,
        name: '',
        runType: '',
      } as never);
      await transition(client, env.id, 'DEPLOY');
      await transition(client, env.id, 'CONFIGURE');
      runNumbers.push(await transition(client, env.id, 'START_ACTIVITY'));
      const pids = (await tasksOf(client, env.id)).tasks.map((t) => t.pid);
      for (let round = 0; round < rounds; round++) {
        const leader = await cluster.leader();
        ctx.load(`round ${round + 1}`);
        const load = loadavg();
        const killedWall = Date.now();
        const killedAt = performance.now();
        await leader.kill9();
        let servedAt = 0;
        for (;;) {
          try {
            const { env: e, tasks } = await tasksOf(client, env.id);
            servedAt ||= performance.now();
            if (e.state === 'RUNNING' && tasks.every((t) => t.state === 'RUNNING' && !t.lost) && e.unreachableNodes.length === 0) {
              const nodes = await client.call('listNodes', {} as never, 2000);
              if (nodes.nodes.every((n) => n.up)) {
                restartedTasks += tasks.filter((t, i) => t.pid !== pids[i]).length;
                break;
              }
            }
          } catch {
            // no leader yet: the client looked for one for up to 2 s
          }
          await new Promise((r) => setTimeout(r, 10));
        }
        const doneAt = performance.now();
        const successorLog = (await cluster.leader()).output();
        const startLine = [...successorLog.matchAll(/restored (\d+) ms, serving (\d+) ms after its election/g)].at(-1);
        const restoredMs = Number(startLine?.[1] ?? Number.NaN);
        const startedMs = Number(startLine?.[2] ?? Number.NaN);
        const expired = (timeline.next('delete', killedWall)?.atMs ?? Number.NaN) - killedWall;
        const elected = (timeline.next('put', killedWall)?.atMs ?? Number.NaN) - killedWall;
        const t: TakeOver = {
          expired,
          elected,
          restored: elected + restoredMs,
          started: elected + startedMs,
          firstReply: Math.round(servedAt - killedAt),
          adopted: Math.round(doneAt - killedAt),
          load,
        };
        takeOvers.push(t);
        ctx.log(
          `round ${round + 1} (load ${load}): lease expired ${t.expired} ms, elected ${t.elected} ms, restored ${t.restored} ms, serving with agents ${t.started} ms, first reply ${t.firstReply} ms, tasks adopted ${t.adopted} ms after the kill`,
        );
        await transition(client, env.id, 'STOP_ACTIVITY');
        runNumbers.push(await transition(client, env.id, 'START_ACTIVITY'));
        await cluster.restart(leader.index);
      }
    } finally {
      await timeline.close();
      client.close();
      await cluster.stop();
    }
    let lost = 0;
    for (let i = 1; i < runNumbers.length; i++) lost += Math.abs(runNumbers[i]! - runNumbers[i - 1]! - 1);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const adopted = takeOvers.map((t) => t.adopted);
    const serving = takeOvers.map((t) => t.firstReply);
    const phase = (name: string, of: (t: TakeOver) => number) => {
      const xs = sorted(takeOvers.map(of));
      return `${name} median ${percentile(xs, 50)} ms, max ${Math.max(...xs)} ms`;
    };
    return {
      ok: lost === 0 && restartedTasks === 0,
      figures: [
        figure(
          'failover.adopted.p50',
          'kill -9 of the leader to a successor serving with both agents re-dialled and the tasks adopted, median',
          percentile(sorted(adopted), 50),
          'ms',
          {
            note: `max ${Math.max(...adopted)} ms over ${rounds} kills; default lease TTL; load ${takeOvers.map((t) => t.load.split(' ')[0]).join(', ')}`,
          },
        ),
        figure('failover.serving.p50', 'kill -9 of the leader to the first Control reply from the successor, median', percentile(sorted(serving), 50), 'ms', {
          note: `max ${Math.max(...serving)} ms`,
        }),
        figure('failover.runs.lost', 'run numbers skipped or repeated over the kills', lost, 'runs', { note: `runs ${runNumbers.join(', ')}` }),
        figure('failover.tasks.restarted', 'tasks restarted by a take-over (pid changed)', restartedTasks, 'tasks'),
      ],
      details: { takeOvers, runNumbers },
      notes: [
        `from the kill: ${phase('lease expired', (t) => t.expired)}; ${phase('successor elected', (t) => t.elected)}; ${phase('restored', (t) => t.restored)}; ${phase('serving with agents dialled', (t) => t.started)}; ${phase('first reply', (t) => t.firstReply)}; ${phase('tasks adopted', (t) => t.adopted)}`,
        `${rounds} kills, 3 controllers, 2 agents, the quick workflow (3 tasks); each round STOP/START through the successor, then the killed controller is started again as a follower`,
      ],
    };
  },
};
