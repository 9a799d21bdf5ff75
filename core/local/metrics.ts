// Local mode's metrics (docs/observability.md): every process of the stack serves /metrics on a
// loopback port of its own, chosen when the stack starts and kept in its argv (a repaired process
// comes back on the same port), and local/prometheus.yml is a scrape config for them all.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';
import { localDir } from './paths.js';

export interface LocalEndpoint {
  /** the process: controller, agent-1, sim-1 ... */
  name: string;
  url: string;
}

/** Ports this process has handed out: the kernel's choice for port 0 is often a port it gave a
 *  moment ago and that was closed since (measured: 1 stack start in 40 drew one port twice for 25
 *  processes), and two processes of one stack told the same port meant one of them could not
 *  listen and exited. */
const handedOut = new Set<number>();
const MAX_DRAWS = 50;

function loopbackPortNow(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** A free loopback port not handed out before by this process (the kernel's choice; a race with
 *  another program is still possible and then reported by the process that cannot listen). */
export async function freeLoopbackPort(): Promise<number> {
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const port = await loopbackPortNow();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new BatonError('UNAVAILABLE', `no loopback port not already given to this stack after ${MAX_DRAWS} tries`, { where: 'metrics listen' });
}

/** The flags that turn a process's metrics on, and where they will be. */
export async function metricsFlags(name: string): Promise<{ argv: string[]; endpoint: LocalEndpoint }> {
  const listen = `127.0.0.1:${await freeLoopbackPort()}`;
  return { argv: ['--metrics-listen', listen], endpoint: { name, url: `http://${listen}/metrics` } };
}

/** Writes local/prometheus.yml scraping every endpoint each second; returns its path. */
export function writeScrapeConfig(home: string, endpoints: LocalEndpoint[]): string {
  const file = path.join(localDir(home), 'prometheus.yml');
  const jobs = endpoints.map(
    (e) => `  - job_name: ${JSON.stringify(`baton-${e.name}`)}\n    static_configs:\n      - targets: [${JSON.stringify(new URL(e.url).host)}]`,
  );
  fs.writeFileSync(
    file,
    `# written by baton local up: prometheus --config.file=${file}\nglobal:\n  scrape_interval: 1s\nscrape_configs:\n${jobs.join('\n')}\n`,
  );
  return file;
}
