// A stack for the remote benchmark: a controller and N agents as separate processes, the agents
// reached either over TCP on their own loopback addresses (127.0.0.2, .3, ...) with mutual TLS, as
// remote nodes are, or over unix sockets in the clear, as local mode's are. Everything else is the
// same: the same commands, the same token, the controller's Control service on a unix socket.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnBaton, type Spawned } from '../../core/local/spawn.js';
import { stopGroups } from '../../core/local/procs.js';
import { opensslExtensions } from '../../core/rpc/identity.js';
import { makeCa, signLeaf, type Pem } from '../integration/tls/certs.js';
import { BenchClient } from './client.js';
import { BENCH_REPO } from './stack.js';
import { freePort } from '../support/free-port.js';

export type Transport = 'tcp+tls' | 'unix';

const tlsFlags = (p: Pem) => ['--tls-cert', p.cert, '--tls-key', p.key, '--tls-ca', p.ca];

export class RemoteStack {
  private constructor(
    readonly home: string,
    readonly client: BenchClient,
    readonly controllerPid: number,
    readonly agentPids: number[],
    private readonly procs: Spawned[],
  ) {}

  static async up(transport: Transport, agents: number, timeoutMs = 60_000): Promise<RemoteStack> {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-remote-'));
    const token = randomBytes(24).toString('base64url');
    const env = { BATON_HOME: home, BATON_TOKEN: token };
    const procs: Spawned[] = [];
    try {
      let ctlPem: Pem | null = null;
      const pems: Pem[] = [];
      if (transport === 'tcp+tls') {
        const certs = path.join(home, 'certs');
        fs.mkdirSync(certs);
        makeCa(certs, 'ca');
        ctlPem = signLeaf(certs, 'ctl', 'controller', 'ca', opensslExtensions('controller', 'ctl', { dns: ['localhost'], ip: ['127.0.0.1'] }));
        for (let i = 1; i <= agents; i++) {
          pems.push(signLeaf(certs, `remote-${i}`, `remote-${i}`, 'ca', opensslExtensions('node', `remote-${i}`, { dns: [], ip: [`127.0.0.${i + 1}`] })));
        }
      }
      const addresses: string[] = [];
      for (let i = 1; i <= agents; i++) {
        const name = `remote-${i}`;
        const host = `127.0.0.${i + 1}`;
        const listen = transport === 'unix' ? `unix://${path.join(home, `${name}.sock`)}` : `${host}:${await freePort(host)}`;
        addresses.push(listen);
        const argv = [
          'agent',
          '--home',
          home,
          '--name',
          name,
          '--listen',
          listen,
          '--labels',
          'bench=remote',
          ...(transport === 'unix' ? [] : tlsFlags(pems[i - 1]!)),
        ];
        procs.push(spawnBaton(argv, path.join(home, 'logs', `${name}.log`), env));
      }
      const ctlSock = path.join(home, 'controller.sock');
      const ctlArgv = [
        'controller',
        '--home',
        home,
        '--listen',
        `unix://${ctlSock}`,
        ...addresses.flatMap((a) => ['--agent', a]),
        '--trusted-repo',
        BENCH_REPO,
        '--allow-local-templates',
        '--trust-local-templates',
        ...(ctlPem ? tlsFlags(ctlPem) : []),
      ];
      const ctl = spawnBaton(ctlArgv, path.join(home, 'logs', 'controller.log'), env);
      procs.push(ctl);
      const client = new BenchClient(`unix://${ctlSock}`, token);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const up = await client.info().then(
          (i) => i.nodesUp,
          () => 0,
        );
        if (up === agents) break;
        const dead = procs.find((p) => p.exited);
        if (dead) throw new Error(`a process of the remote stack exited while starting (log: ${dead.log})`);
        if (Date.now() > deadline) throw new Error(`only ${up}/${agents} agents up after ${timeoutMs} ms (logs in ${home}/logs)`);
        await new Promise((r) => setTimeout(r, 200));
      }
      return new RemoteStack(
        home,
        client,
        ctl.pid,
        procs.slice(0, -1).map((p) => p.pid),
        procs,
      );
    } catch (e) {
      await stopGroups(
        procs.map((p) => p.pid),
        3000,
      );
      throw e;
    }
  }

  /** Stops the controller, then the agents with their tasks (their process groups); removes the home. */
  async down(): Promise<void> {
    this.client.close();
    await stopGroups([this.controllerPid], 5000);
    await stopGroups(this.agentPids, 5000);
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
