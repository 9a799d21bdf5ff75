// The controller's entry-point contract (docs/architecture.md, "Entry points").
import type * as grpc from '@grpc/grpc-js';
import type { WorkflowLoader } from '../workflow/types.js';
import type { TemplatePolicy } from '../workflow/policy.js';
import type { TlsFiles } from '../rpc/tls.js';
import type { EventSinkConfig } from './sinks/config.js';
import type { Store } from '../store/store.js';
import type { NodeInventory } from './inventory/index.js';

export interface ControllerOptions {
  home: string;
  listen: string;
  token?: string;
  /** agent addresses to dial (besides the nodes stored from earlier runs) */
  agents?: string[];
  templateRepos?: string[];
  /** where workflows may come from and what their hooks may do (docs/security.md): by default
   *  only the configured repos, no exec hook but from the shipped repo, no http.post host */
  templatePolicy?: TemplatePolicy;
  defaultTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  /** how long an agent whose session broke may take to come back before its tasks are lost
   *  (ms, whole, 0 or more; 0 = lost at once); default 30 s */
  agentLossGraceMs?: number;
  /** embedders and tests: a workflow loader instead of createWorkflowLoader over templateRepos */
  loader?: WorkflowLoader;
  /** mutual TLS (PEM text, Buffer or file path): Control is served with TLS and client certificates
   *  required, and agents at tcp addresses are dialled with this certificate. Without it the
   *  controller listens only on loopback or a unix socket and dials only those. */
  tls?: TlsFiles;
  /** an opened store instead of <home>/controller/baton.db (the fail-over cluster passes its etcd
   *  store, controller/cluster/); the controller closes it when it stops */
  store?: Store;
  /** the node inventory instead of <home>/controller/nodes.yaml (the fail-over cluster passes the
   *  one kept in its etcd store, controller/cluster/inventory.ts); loaded at start */
  inventory?: NodeInventory;
  /** a Control server bound already (at `listen`) that the controller takes over once everything
   *  is restored instead of binding its own: the fail-over cluster's follower server, so that the
   *  address never stops answering (controller/cluster/run.ts). `handOver` removes what it served
   *  until then; the Control services are added in the same tick. */
  boundServer?: { server: grpc.Server; port: number; handOver(): void };
  /** environments with more tasks than this get task.state summaries per agent batch (default 10000) */
  taskEventLimit?: number;
  /** serve Prometheus metrics over HTTP on host:port (port 0: any free port); off when absent
   *  (docs/observability.md) */
  metricsListen?: string;
  /** at most this many tasks get a label of their own in metrics and run summaries; the tasks of
   *  environments past it are counted per collection (default 200) */
  taskLabelLimit?: number;
  /** where events go besides the store and Subscribe: NATS servers and HTTP webhooks, each with its
   *  resume point in the store (docs/event-sinks.md); checked at start (BAD_INPUT) */
  eventSinks?: EventSinkConfig[];
  /** the load history QueryHistory reads (history/): sample period (ms, default 5000) and the
   *  most series kept (default 2000); docs/architecture.md, "Load history" */
  historySampleMs?: number;
  historyMaxSeries?: number;
  /** answer QueryHistory from this Prometheus (http://host:9090), which scrapes metricsListen,
   *  instead of the controller's own rings */
  prometheusUrl?: string;
  /** a training stack: walkthroughs may inject faults, the console says it is not production */
  training?: boolean;
}

export interface ControllerHandle {
  id: string;
  address: string;
  /** http://host:port/metrics when metricsListen was given */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export const DEFAULTS = {
  defaultTimeoutMs: 30_000,
  heartbeatTimeoutMs: 3_500,
  agentLossGraceMs: 30_000,
  taskEventLimit: 10_000,
  subscriberMaxQueued: 20_000,
};
