// baton controller: the controller in the foreground (local mode runs it as a background process).
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import { packageRoot } from '../../local/paths.js';
import { parseAddress } from '../../rpc/address.js';
import { tlsFromFlags } from '../../rpc/tls.js';
import { collect, parseCount, parseDuration } from '../args.js';
import { metricsListenOf } from '../metrics-flags.js';
import { explicitToken, flagTls, homeOf } from '../context.js';
import { info, out } from '../output.js';
import { stopWithin, untilSignal } from '../signals.js';
import { parseEtcdUrl } from '../../store/etcd-url.js';
import { parseLeaseTtl, runClusterController } from './controller-cluster.js';

export function register(program: Command): void {
  program
    .command('controller')
    .description(
      'run a controller in the foreground until SIGTERM or Ctrl-C; with --tls-cert/--tls-key/--tls-ca (global flags) it serves mutual TLS and dials agents with that certificate',
    )
    .option('--listen <addr>', 'unix:///path or host:port (loopback, unless TLS) (default: unix://$BATON_HOME/controller.sock)')
    .option('--agent <addr>', 'an agent to dial (repeatable)', collect, [])
    .option('--repo <dir>', 'a template repo besides the shipped assets (repeatable)', collect, [])
    .option('--trusted-repo <dir>', 'a template repo whose exec hooks may run (repeatable; it is searched like --repo)', collect, [])
    .option(
      '--allow-local-templates',
      'take workflows given by a path (or a repo) outside the configured repos (their exec hooks still need --trust-local-templates)',
    )
    .option('--trust-local-templates', 'with --allow-local-templates: such workflows may run exec hooks (a single-user machine: local mode)')
    .option('--http-hook-host <host>', "a host http.post hooks may reach (repeatable; '*.example.org' for a domain, '*' for any)", collect, [])
    .option('--default-timeout <duration>', 'deadline of a transition when the client gives none')
    .option('--heartbeat-timeout <duration>', 'an agent silent this long is SUSPECT')
    .option('--agent-loss-grace <duration>', 'a SUSPECT agent that is not back within this loses its tasks (0: at once; default 30s)')
    .option('--metrics-listen <host:port>', 'serve Prometheus metrics at http://host:port/metrics (off by default; port 0: any free port)')
    .option('--metrics-port <port>', 'the same on 127.0.0.1: --metrics-listen 127.0.0.1:PORT')
    .option('--task-label-limit <n>', 'at most N tasks get labels of their own in metrics and run summaries; past it, per collection', '200')
    .option('--history-sample <duration>', 'the load history (QueryHistory, the console plots) samples this often (default 5s)')
    .option('--prometheus-url <url>', "answer QueryHistory from this Prometheus (which scrapes --metrics-listen) instead of the controller's own rings")
    .option('--event-sinks <file>', 'YAML or JSON list of event sinks (NATS, webhooks) the events are also delivered to (docs/event-sinks.md)')
    .option('--training', 'a training stack: walkthroughs may inject faults here, and the console says it is not production')
    .option(
      '--store <url>',
      'etcd://host:port[,host:port]/prefix: a fail-over cluster, the controllers sharing that store elect a leader; etcds://... over TLS (default: SQLite in $BATON_HOME)',
    )
    .option('--store-ca <file>', "with etcds://: the CA of etcd's certificate (default: --tls-ca)")
    .option('--store-cert <file>', 'with etcds://: the client certificate etcd is shown (default: --tls-cert)')
    .option('--store-key <file>', 'with etcds://: its key (default: --tls-key)')
    .option('--lease-ttl <seconds>', 'with an etcd store: the leader lease, a killed leader is replaced after about this long (default 3)')
    .action(
      async (
        o: {
          listen?: string;
          agent: string[];
          repo: string[];
          trustedRepo: string[];
          allowLocalTemplates?: boolean;
          trustLocalTemplates?: boolean;
          httpHookHost: string[];
          defaultTimeout?: string;
          heartbeatTimeout?: string;
          agentLossGrace?: string;
          metricsListen?: string;
          metricsPort?: string;
          taskLabelLimit: string;
          eventSinks?: string;
          historySample?: string;
          prometheusUrl?: string;
          training?: boolean;
          store?: string;
          leaseTtl?: string;
          storeCa?: string;
          storeCert?: string;
          storeKey?: string;
        },
        cmd: Command,
      ) => {
        const home = homeOf(cmd);
        const listen = o.listen ?? `unix://${path.join(home, 'controller.sock')}`;
        parseAddress(listen, '--listen');
        o.agent.forEach((a) => parseAddress(a, '--agent'));
        const defaultTimeoutMs = o.defaultTimeout ? parseDuration(o.defaultTimeout, '--default-timeout') : undefined;
        const tls = flagTls(cmd);
        const heartbeatTimeoutMs = o.heartbeatTimeout ? parseDuration(o.heartbeatTimeout, '--heartbeat-timeout') : undefined;
        const agentLossGraceMs = o.agentLossGrace !== undefined ? parseDuration(o.agentLossGrace, '--agent-loss-grace') : undefined;
        const metricsListen = metricsListenOf(o);
        const taskLabelLimit = parseCount(o.taskLabelLimit, '--task-label-limit');
        // imported here, like the controller itself: other commands do not load it
        const eventSinks = o.eventSinks ? (await import('../../controller/sinks/config.js')).readSinkConfigFile(path.resolve(o.eventSinks)) : undefined;
        let token = explicitToken(cmd);
        const generated = !token;
        token ??= randomBytes(24).toString('base64url');

        if (o.trustLocalTemplates && !o.allowLocalTemplates) {
          throw new BatonError('BAD_INPUT', '--trust-local-templates needs --allow-local-templates', { where: '--trust-local-templates' });
        }
        const trusted = o.trustedRepo.map((r) => path.resolve(r));
        const repos = [...new Set([...trusted, ...o.repo.map((r) => path.resolve(r))])];
        const options = {
          home,
          listen,
          token,
          agents: o.agent,
          tls,
          // extra repos come first (their workflows win), the shipped assets stay available
          templateRepos: repos.length ? [...repos, path.join(packageRoot(), 'assets')] : undefined,
          templatePolicy: {
            allowLocal: !!o.allowLocalTemplates,
            trustLocal: !!o.trustLocalTemplates,
            trustedRepos: trusted,
            httpHosts: o.httpHookHost,
          },
          defaultTimeoutMs,
          heartbeatTimeoutMs,
          agentLossGraceMs,
          metricsListen,
          taskLabelLimit,
          eventSinks,
          historySampleMs: o.historySample ? parseDuration(o.historySample, '--history-sample') : undefined,
          prometheusUrl: o.prometheusUrl,
          training: !!o.training,
        };
        if (o.leaseTtl !== undefined && o.store === undefined) {
          throw new BatonError('BAD_INPUT', '--lease-ttl needs --store etcd://...', { where: '--lease-ttl' });
        }
        const storeTls = tlsFromFlags({ ca: o.storeCa, cert: o.storeCert, key: o.storeKey }, { ca: '--store-ca', cert: '--store-cert', key: '--store-key' });
        if (storeTls && !o.store?.startsWith('etcds://')) {
          throw new BatonError('BAD_INPUT', '--store-ca, --store-cert and --store-key need --store etcds://...', { where: '--store-ca' });
        }
        if (o.store !== undefined) {
          const etcd = parseEtcdUrl(o.store);
          if (etcd.secure && !storeTls && !tls) {
            throw new BatonError('BAD_INPUT', "--store etcds://... needs --store-ca, --store-cert and --store-key (or the controller's --tls-*)", {
              where: '--store-ca',
            });
          }
          await runClusterController(options, o.store, parseLeaseTtl(o.leaseTtl), token, generated, storeTls);
          return;
        }
        const { startController } = await import('../../controller/main.js');
        const handle = await startController(options);
        out(`controller ${handle.id} listening on ${handle.address} (pid ${process.pid}, home ${home})`);
        if (handle.metricsUrl) out(`metrics: ${handle.metricsUrl}`);
        if (generated) out(`clients: export BATON_CONTROLLER=${handle.address} BATON_TOKEN=${token}`);
        const sig = await untilSignal();
        info(`controller: ${sig}, stopping`);
        const ok = await stopWithin(() => handle.stop(), 15_000);
        if (!ok) info('controller: stop did not finish in 15 s; exiting anyway');
      },
    );
}
