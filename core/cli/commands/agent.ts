// baton agent: a node agent in the foreground (or, with --sim --count N, N simulated agents).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import { parseAddress } from '../../rpc/address.js';
import { loadTls } from '../../rpc/tls.js';
import { parseCount, parseDuration, parseLabels, parsePortRange } from '../args.js';
import { metricsListenOf } from '../metrics-flags.js';
import { explicitToken, flagTls, homeOf } from '../context.js';
import { info, out } from '../output.js';
import { stopWithin, untilSignal } from '../signals.js';

export function register(program: Command): void {
  program
    .command('agent')
    .description(
      'run a node agent in the foreground until SIGTERM or Ctrl-C (its tasks keep running and are re-adopted on restart); with --tls-cert/--tls-key/--tls-ca (global flags) it serves mutual TLS and may listen on a network address',
    )
    .option('--name <name>', 'node name (default: the host name); with --count, the prefix of the names')
    .option('--listen <addr>', 'unix:///path or host:port (loopback, unless TLS) (default: unix://$BATON_HOME/agents/<name>/agent.sock)')
    .option('--labels <k=v,...>', 'node labels, e.g. zone=upstream,detector=TPC')
    .option('--ports <lo-hi>', 'port range for bound channels', '20000-20999')
    .option('--host <host>', "the host name tasks bind and connect with (default: the machine's)")
    .option('--sim', 'simulated agent: tasks run in memory (sim driver)')
    .option('--count <n>', 'with --sim: how many simulated agents this process runs (named <name>-1..N; --listen is then a directory or host:port)', '1')
    .option(
      '--orphan-grace <duration>',
      'a controlled task that cannot reach its agent for this long leaves (0 = never); a restarted agent re-adopts its tasks within it',
      '5m',
    )
    .option(
      '--metrics-listen <host:port>',
      'serve Prometheus metrics at http://host:port/metrics (off by default; port 0: any free port; one endpoint for all --count agents)',
    )
    .option('--metrics-port <port>', 'the same on 127.0.0.1: --metrics-listen 127.0.0.1:PORT')
    .option('--task-label-limit <n>', 'at most N tasks get labels of their own in metrics; past it, per collection', '200')
    .option('--ready-file <path>', 'write {pid, nodes: [{name, address}]} here once listening (local mode waits on it)')
    .action(
      async (
        o: {
          name?: string;
          listen?: string;
          labels?: string;
          ports: string;
          host?: string;
          sim?: boolean;
          count: string;
          orphanGrace: string;
          readyFile?: string;
          metricsListen?: string;
          metricsPort?: string;
          taskLabelLimit: string;
        },
        cmd: Command,
      ) => {
        const home = homeOf(cmd);
        const name = o.name ?? os.hostname();
        const count = parseCount(o.count, '--count', 1);
        if (count > 1 && !o.sim) throw new BatonError('BAD_INPUT', '--count runs several simulated agents: add --sim', { where: '--count' });
        // several sim agents listen in a directory (one socket each) or on consecutive ports
        const many = count > 1;
        const listen = o.listen ?? `unix://${path.join(home, 'agents', many ? `${name}-sims` : name, many ? '' : 'agent.sock')}`.replace(/\/$/, '');
        if (!many || !listen.startsWith('unix:')) parseAddress(listen, '--listen');
        const labels = parseLabels(o.labels);
        const portRange = parsePortRange(o.ports);
        const orphanGraceMs = parseDuration(o.orphanGrace, '--orphan-grace');
        const token = explicitToken(cmd);
        // read once: --count N agents share them
        const tls = loadTls(flagTls(cmd), 'agent');
        if (listen.startsWith('unix:')) {
          const p = listen.replace(/^unix:(\/\/)?/, '');
          fs.mkdirSync(many ? p : path.dirname(p), { recursive: true });
        }

        const agentMain = await import('../../agent/main.js');
        const metricsListen = metricsListenOf(o);
        const taskLabelLimit = parseCount(o.taskLabelLimit, '--task-label-limit');
        const common = { home, token, labels, portRange, host: o.host, tls, orphanGraceMs, metricsListen, taskLabelLimit };
        const handles = many
          ? await agentMain.startSimAgents(count, { ...common, prefix: name, listen })
          : [await agentMain.startAgent({ ...common, name, listen, sim: !!o.sim })];
        for (const h of handles.slice(0, 20)) out(`agent ${h.name} listening on ${h.address}`);
        if (handles.length > 20) out(`... and ${handles.length - 20} more simulated agents`);
        if (handles[0]?.metricsUrl) out(`metrics: ${handles[0].metricsUrl}`);
        if (o.readyFile) {
          const tmp = `${o.readyFile}.tmp`;
          fs.writeFileSync(
            tmp,
            JSON.stringify({ pid: process.pid, nodes: handles.map((h) => ({ name: h.name, address: h.address })), metricsUrl: handles[0]?.metricsUrl }),
          );
          fs.renameSync(tmp, o.readyFile);
        }
        const sig = await untilSignal();
        info(`agent: ${sig}, stopping (tasks keep running)`);
        const ok = await stopWithin(() => Promise.all(handles.map((h) => h.stop({ killTasks: false }))).then(() => {}), 10_000);
        if (!ok) info('agent: stop did not finish in 10 s; exiting anyway');
      },
    );
}
