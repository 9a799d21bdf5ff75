// The controller's entry point (docs/architecture.md): opens the store under <home>/controller,
// restores what it held, serves the Control API (and reflection), and dials its agents.
// No process-level handlers here: `baton controller` (the CLI) owns signals and exit.
import fs from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import net from 'node:net';
import { BatonError } from '../model/errors.js';
import path from 'node:path';
import { newId } from '../model/ids.js';
import { assertSafeListen, parseAddress } from '../rpc/address.js';
import { channelCredentials, loadTls, serverCredentials } from '../rpc/tls.js';
import { openSqliteStore } from '../store/sqlite.js';
import { ControllerCore } from './core.js';
import { AgentPool } from './agents/pool.js';
import { checkAgentLossGrace } from './agents/grace.js';
import { restore, startRestoreGrace } from './restore.js';
import { restoreHolds } from './locks/hold.js';
import { restoreClaims } from './locks/claims.js';
import { startReconcile } from './reconcile/index.js';
import { addControlServices, createServer, bind } from './server/index.js';
import { packageRoot } from './root.js';
import { CLOSED_POLICY, configuredRepos, defaultLoader } from './loader.js';
import { resolvePolicy } from '../workflow/policy.js';
import { privateDir, privateFiles } from '../model/private-files.js';
import { isWorkerLoader } from './workers/loader.js';
import { NodeInventory } from './inventory/index.js';
import { applyInventory } from './inventory/apply.js';
import { DEFAULTS, type ControllerHandle, type ControllerOptions } from './options.js';
import { checkHistoryOptions, startHistory } from './history/sampler.js';
import { checkTaskLabelLimit, ControllerMetrics, DEFAULT_TASK_LABEL_LIMIT, setTaskLabelLimit } from './metrics/index.js';
import { checkSinkConfigs } from './sinks/config.js';
import { startEventSinks } from './sinks/index.js';

export type { ControllerHandle, ControllerOptions } from './options.js';

/** A socket file left by a killed controller is removed; one that a live process answers on is not. */
export async function clearStaleSocket(file: string): Promise<void> {
  if (!fs.existsSync(file)) return;
  const live = await new Promise<boolean>((resolve) => {
    const s = net.connect(file);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (live) {
    throw new BatonError('BAD_INPUT', `something is already listening on ${file} (another controller?)`, { where: 'listen' });
  }
  fs.rmSync(file, { force: true });
}

/** how long startController waits for the agents it was given to say Hello (it never fails on them) */
const AGENT_WAIT_MS = 3000;

async function waitAgents(controller: ControllerCore, addresses: string[], ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until && !addresses.every((a) => controller.links.get(a)?.up)) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Binds the Control server with mutual TLS (server/index.ts' bind() is insecure only). */
function bindTls(server: grpc.Server, address: string, creds: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, creds, (err, port) => (err ? reject(err) : resolve(port)));
  });
}

export async function startController(opts: ControllerOptions): Promise<ControllerHandle> {
  const listen = parseAddress(opts.listen, 'controller listen');
  const agentLossGraceMs = checkAgentLossGrace(opts.agentLossGraceMs ?? DEFAULTS.agentLossGraceMs);
  const tls = loadTls(opts.tls, 'controller');
  assertSafeListen(listen, !!tls, 'controller');
  // an agent this controller could not dial (a network address without TLS) fails the start, before
  // anything is opened or written
  for (const a of opts.agents ?? []) channelCredentials(parseAddress(a, 'agent address'), tls, 'agent address');
  const taskLabelLimit = checkTaskLabelLimit(opts.taskLabelLimit ?? DEFAULT_TASK_LABEL_LIMIT);
  const metrics = opts.metricsListen ? new ControllerMetrics(opts.metricsListen) : null;
  const sinkConfigs = checkSinkConfigs(opts.eventSinks ?? []);
  const historyOptions = { sampleMs: opts.historySampleMs, maxSeries: opts.historyMaxSeries, prometheusUrl: opts.prometheusUrl };
  checkHistoryOptions(historyOptions);
  const root = packageRoot();
  const policy = opts.templatePolicy ?? CLOSED_POLICY;
  const dir = path.join(path.resolve(opts.home), 'controller');
  // the home and the database hold vars, tokens and logs: this user's only (umask aside)
  privateDir(path.resolve(opts.home), 'controller home');
  privateDir(dir, 'controller home');
  if (listen.kind === 'unix' && !opts.boundServer) await clearStaleSocket(listen.path!);
  // nodes.yaml: a file that does not validate stops the start here, before the store is opened
  const inventory = opts.inventory ?? NodeInventory.forHome(opts.home);
  await inventory.load();

  // a store the embedder opened (the fail-over cluster's etcd store, controller/cluster/), else
  // the embedded SQLite file; timed for the metrics when they are on
  const opened = opts.store ?? openSqliteStore(path.join(dir, 'baton.db'));
  const store = metrics ? metrics.timeStore(opened) : opened;
  if (!opts.store) privateFiles(dir, ['baton.db', 'baton.db-wal', 'baton.db-shm']);
  let id = await store.getMeta('controller_id');
  if (!id) {
    id = newId('ctl');
    await store.setMeta('controller_id', id);
  }
  const controller = new ControllerCore(
    id,
    {
      home: path.resolve(opts.home),
      token: opts.token,
      defaultTimeoutMs: opts.defaultTimeoutMs ?? DEFAULTS.defaultTimeoutMs,
      heartbeatTimeoutMs: opts.heartbeatTimeoutMs ?? DEFAULTS.heartbeatTimeoutMs,
      agentLossGraceMs,
      taskEventLimit: opts.taskEventLimit ?? DEFAULTS.taskEventLimit,
      subscriberMaxQueued: DEFAULTS.subscriberMaxQueued,
      root,
      templatePolicy: resolvePolicy(policy, path.join(root, 'assets')),
      templateRepos: configuredRepos(root, opts.templateRepos),
      training: !!opts.training,
    },
    store,
    opts.loader ?? defaultLoader(root, opts.templateRepos, { policy, cacheDir: path.join(dir, 'template-cache') }),
  );
  controller.inventory = inventory;

  setTaskLabelLimit(controller, taskLabelLimit);
  const pool = new AgentPool(controller, tls);
  // a server bound already (a cluster's follower) gets the Control services once restored
  const server = opts.boundServer?.server ?? createServer(controller, pool);
  let grace: NodeJS.Timeout | null = null;
  let metricsUrl: string | undefined;
  try {
    await controller.events.init();
    if (sinkConfigs.length) controller.eventSinks = await startEventSinks(sinkConfigs, { controllerId: id, store, bus: controller.events });
    await controller.users.load();
    await restore(controller);
    applyInventory(controller); // after the stored nodes: the inventory's address and state win
    await restoreHolds(controller);
    restoreClaims(controller);
    let port: number;
    if (opts.boundServer) {
      opts.boundServer.handOver();
      addControlServices(server, controller, pool);
      port = opts.boundServer.port;
    } else {
      port = tls && listen.kind === 'tcp' ? await bindTls(server, listen.grpc, serverCredentials(listen, tls)) : await bind(server, listen.grpc);
    }
    controller.address = listen.kind === 'unix' ? `unix://${listen.path}` : `${listen.host}:${port}`;
    metricsUrl = await metrics?.serve(controller);
  } catch (e) {
    server.forceShutdown();
    await metrics?.stop();
    await controller.eventSinks?.stop();
    await store.close();
    throw e;
  }

  const history = startHistory(controller, historyOptions);
  pool.start();
  for (const n of controller.nodes.all()) {
    if (!n.address) continue;
    try {
      pool.dial(n.address, n.name);
    } catch (e) {
      // a node stored by a controller that had TLS: it stays down (and removable), the start goes on
      console.error(`baton controller: node ${n.name} stays down: ${(e as Error).message}`);
    }
  }
  for (const a of opts.agents ?? []) pool.dial(a);
  grace = startRestoreGrace(controller);
  const reconciler = startReconcile(controller);
  await waitAgents(controller, opts.agents ?? [], AGENT_WAIT_MS);

  let stopping: Promise<void> | null = null;
  return {
    id,
    address: controller.address,
    metricsUrl,
    stop() {
      stopping ??= (async () => {
        controller.stopping = true;
        if (grace) clearTimeout(grace);
        reconciler.stop();
        history.stop();
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, 2000);
          server.tryShutdown(() => {
            clearTimeout(t);
            resolve();
          });
        });
        pool.stop();
        await metrics?.stop();
        if (isWorkerLoader(controller.loader)) await controller.loader.close();
        await controller.persist.close();
        await controller.events.close();
        await controller.eventSinks?.stop();
        await store.close();
      })();
      return stopping;
    },
  };
}
