// A real nats-server (Debian's /usr/sbin/nats-server) with JetStream, for the sink tests: a free
// port, its store in a temp dir, killed in teardown. restart() brings it back on the same port
// and store, as an operator restarting the server would.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../support/free-port.js';
export { freePort };

export const NATS_SERVER = '/usr/sbin/nats-server';

export interface NatsServer {
  url: string;
  dir: string;
  /** kill -9, and wait for the exit */
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** kill and remove the store */
  stop(): Promise<void>;
}

export async function startNatsServer(): Promise<NatsServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-nats-'));
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const launch = async () => {
    const log = fs.openSync(path.join(dir, 'server.log'), 'a');
    proc = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', path.join(dir, 'js')], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const started = Date.now();
    // ready when it accepts a connection and says its INFO line
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`nats-server exited ${proc.exitCode}: ${fs.readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-2000)}`);
      if (await answers(port)) return;
      if (Date.now() - started > 20_000) throw new Error('nats-server did not start in 20 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    dir,
    kill,
    restart: launch,
    async stop() {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('INFO'));
    });
    s.once('error', () => resolve(false));
  });
}
