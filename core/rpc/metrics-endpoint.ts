// The HTTP endpoint Prometheus scrapes (docs/observability.md): GET /metrics answers the text
// exposition format of whatever registry it is given; nothing else is served. The controller and
// the agents each start one when asked (--metrics-listen); it reads their state, never changes it.
import http from 'node:http';
import { collectDefaultMetrics, type Registry } from 'prom-client';
import type { AddressInfo } from 'node:net';
import { BatonError } from '../model/errors.js';
import { parseAddress } from './address.js';

/** A prom-client Registry, or anything that renders one (several agents of one process). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface MetricsEndpoint {
  /** host:port it listens on (the port the kernel gave for port 0) */
  address: string;
  /** http://host:port/metrics */
  url: string;
  stop(): Promise<void>;
}

/** prom-client's gauges of a process that end in _total, which promtool refuses (the count of
 *  handles and requests by type stays, under the names without _total) */
const GAUGES_NAMED_TOTAL = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** The process's own series (cpu, memory, heap, GC, event-loop delay), named `${prefix}...`. */
export function processMetrics(registry: Registry, prefix: string): void {
  collectDefaultMetrics({ register: registry, prefix });
  for (const name of GAUGES_NAMED_TOTAL) registry.removeSingleMetric(`${prefix}${name}`);
}

/** Checks a metrics listen address (host:port; port 0 for any free one) without listening. */
export function parseMetricsListen(listen: string, what: string): { host: string; port: number } {
  const parsed = parseAddress(listen, what);
  if (parsed.kind !== 'tcp') throw new BatonError('BAD_INPUT', `${what} ${listen}: the metrics endpoint is HTTP over TCP: host:port`, { where: what });
  return { host: parsed.host!.replace(/^\[|\]$/g, ''), port: parsed.port! };
}

export async function serveMetrics(listen: string, source: MetricsSource, what = 'metrics listen'): Promise<MetricsEndpoint> {
  const { host, port } = parseMetricsListen(listen, what);
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('baton serves its metrics at /metrics\n');
      return;
    }
    source.metrics().then(
      (text) => res.writeHead(200, { 'content-type': source.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`collecting metrics failed: ${e.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    // in use, not this host's, not allowed: the address given is the problem
    server.once('error', (e: Error) => reject(new BatonError('BAD_INPUT', `${what} ${listen}: ${e.message}`, { where: what })));
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const address = `${shown}:${bound.port}`;
  return {
    address,
    url: `http://${address}/metrics`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
