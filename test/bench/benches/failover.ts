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
    const rounds = ctx.smoke ? 2 : 8;
    const cluster = await startCluster({ controllers: 3 });
    const client = connectControl(cluster.all, { token: TOKEN, client: 'api' });
    const serving: number[] = [];
    const adopted: number[] = [];
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
        serving.push(Math.round(servedAt - killedAt));
        adopted.push(Math.round(doneAt - killedAt));
        const successor = (await cluster.leader()).output().match(/serving \d+ ms after its election/)?.[0] ?? '';
        ctx.log(`round ${round + 1}: ${successor}; serving after ${serving.at(-1)} ms, agents re-dialled and tasks adopted after ${adopted.at(-1)} ms`);
        await transition(client, env.id, 'STOP_ACTIVITY');
        runNumbers.push(await transition(client, env.id, 'START_ACTIVITY'));
        await cluster.restart(leader.index);
      }
    } finally {
      client.close();
      await cluster.stop();
    }
    let lost = 0;
    for (let i = 1; i < runNumbers.length; i++) lost += Math.abs(runNumbers[i]! - runNumbers[i - 1]! - 1);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    return {
      ok: lost === 0 && restartedTasks === 0,
      figures: [
        figure(
          'failover.adopted.p50',
          'kill -9 of the leader to a successor serving with both agents re-dialled and the tasks adopted, median',
          percentile(sorted(adopted), 50),
          'ms',
          {
            note: `max ${Math.max(...adopted)} ms over ${rounds} kills; lease TTL 3 s`,
          },
        ),
        figure('failover.serving.p50', 'kill -9 of the leader to the first Control reply from the successor, median', percentile(sorted(serving), 50), 'ms', {
          note: `max ${Math.max(...serving)} ms`,
        }),
        figure('failover.runs.lost', 'run numbers skipped or repeated over the kills', lost, 'runs', { note: `runs ${runNumbers.join(', ')}` }),
        figure('failover.tasks.restarted', 'tasks restarted by a take-over (pid changed)', restartedTasks, 'tasks'),
      ],
      details: { serving, adopted, runNumbers },
      notes: [
        `${rounds} kills, 3 controllers, 2 agents, the quick workflow (3 tasks); each round STOP/START through the successor, then the killed controller is started again as a follower`,
      ],
    };
  },
};
