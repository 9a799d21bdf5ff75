// A real etcd for tests (Debian's /usr/bin/etcd): a temp data dir, free ports, stopped (and its
// dir removed) by stop(), which a test calls in its teardown even when it fails.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../support/free-port.js';
import { singleMemberArgs } from '../../../core/local/etcd.js';
export { freePort };

export const ETCD_BIN = process.env.BATON_ETCD_BIN ?? '/usr/bin/etcd';

export interface TestEtcd {
  /** host:port of its client URL */
  endpoint: string;
  /** a --store address with a prefix of its own */
  storeUrl(prefix?: string): string;
  pid: number;
  /** SIGSTOP / SIGCONT: etcd unreachable without closing its connections */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** files of etcd's client TLS: its server certificate and key, the CA client certificates must
 *  be signed by (etcd's --client-cert-auth); the health check shows `client` */
export interface EtcdTlsFiles {
  cert: string;
  key: string;
  ca: string;
  client: { cert: string; key: string };
}

function healthy(endpoint: string, tls?: EtcdTlsFiles): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"true"/.test(body)));
    };
    const req = tls
      ? https.get(
          `https://${endpoint}/health`,
          { ca: fs.readFileSync(tls.ca), cert: fs.readFileSync(tls.client.cert), key: fs.readFileSync(tls.client.key) },
          done,
        )
      : http.get(`http://${endpoint}/health`, done);
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** tls: serve clients over TLS and require client certificates signed by tls.ca (etcds://) */
export async function startEtcd(opts: { tls?: EtcdTlsFiles } = {}): Promise<TestEtcd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const tls = opts.tls;
  const client = `${tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child: ChildProcess = spawn(
    ETCD_BIN,
    [
      ...singleMemberArgs({ name: 'test', dataDir: path.join(dir, 'data'), client, peer, logLevel: 'error' }),
      ...(tls ? ['--cert-file', tls.cert, '--key-file', tls.key, '--client-cert-auth', '--trusted-ca-file', tls.ca] : []),
    ],
    { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'etcd.log'), 'a')] },
  );
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const endpoint = `127.0.0.1:${clientPort}`;
  const stop = async () => {
    if (!exited) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await gone;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200 && !exited; i++) {
    if (await healthy(endpoint, tls)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (exited || !(await healthy(endpoint, tls))) {
    const log = fs.existsSync(path.join(dir, 'etcd.log')) ? fs.readFileSync(path.join(dir, 'etcd.log'), 'utf8').slice(-2000) : '';
    await stop();
    throw new Error(`etcd did not come up on ${endpoint}: ${log}`);
  }
  let prefixes = 0;
  return {
    endpoint,
    storeUrl: (prefix) => `${tls ? 'etcds' : 'etcd'}://${endpoint}/${prefix ?? `baton-test-${process.pid}-${++prefixes}`}`,
    pid: child.pid!,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop,
  };
}
