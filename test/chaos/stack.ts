// The chaos stack: one controller and three agents (two for daq-chain, one for the plain
// workflow), each a process of its own on unix sockets in a temp home. Everything it starts is
// tagged and torn down by process group at the end, whatever happened.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { controlClient, TOKEN } from '../integration/controller/harness.js';
import type { ControlClient } from '../../core/rpc/gen/control.js';
import { ManagedProcess } from './processes.js';
import { writeRepo } from './workflows.js';
import { mountLogDisk, unmountLogDisk, type LogDisk } from './log-disk.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface StackTimes {
  heartbeatTimeoutMs: number;
  agentLossGraceMs: number;
}

export interface AgentSpec {
  name: string;
  /** the label the workflows' constraints select */
  pool: string;
}

/** daq-chain runs on the two daq agents; each plain loop has an agent of its own */
export const AGENTS: AgentSpec[] = [
  { name: 'daq-1', pool: 'daq' },
  { name: 'daq-2', pool: 'daq' },
  { name: 'plain-1', pool: 'plain-1' },
  { name: 'plain-2', pool: 'plain-2' },
];

/** the agent whose log directory is the size-limited filesystem */
export const FULL_DISK_AGENT = 'plain-1';

export class ChaosStack {
  readonly tag: string;
  readonly repo: string;
  readonly flagsDir: string;
  readonly controller: ManagedProcess;
  readonly agents = new Map<string, ManagedProcess>();
  readonly logDisk: LogDisk;
  private clientNow: ControlClient | null = null;

  private constructor(
    readonly home: string,
    readonly times: StackTimes,
  ) {
    this.tag = `chaos-${process.pid}-${Date.now()}`;
    this.flagsDir = path.join(home, 'flags');
    fs.mkdirSync(this.flagsDir, { recursive: true });
    fs.mkdirSync(path.join(home, 'logs'), { recursive: true });
    this.repo = writeRepo(home, ROOT, this.flagsDir);
    this.logDisk = mountLogDisk(path.join(home, 'agents', FULL_DISK_AGENT, 'logs'), 4096);
    AGENTS.forEach((a, i) => {
      // below the kernel's ephemeral range (32768-60999 on Linux): see core/agent/process/ephemeral-ports.ts
      const port = 21000 + i * 200;
      const options = {
        name: a.name,
        home,
        listen: `unix://${path.join(home, `${a.name}.sock`)}`,
        token: TOKEN,
        labels: { pool: a.pool, zone: a.pool === 'daq' ? 'upstream' : 'plain' },
        portRange: [port, port + 199],
      };
      this.agents.set(a.name, new ManagedProcess('agent', a.name, options, this.tag, path.join(home, 'logs', `${a.name}.log`)));
    });
    this.controller = new ManagedProcess(
      'controller',
      'controller',
      {
        home,
        listen: `unix://${path.join(home, 'controller.sock')}`,
        token: TOKEN,
        templateRepos: [this.repo],
        // its workflows carry exec hooks (the failing-hook fault): the operator trusts this repo
        templatePolicy: { trustedRepos: [this.repo] },
        heartbeatTimeoutMs: times.heartbeatTimeoutMs,
        agentLossGraceMs: times.agentLossGraceMs,
      },
      this.tag,
      path.join(home, 'logs', 'controller.log'),
    );
  }

  static async start(times: StackTimes): Promise<ChaosStack> {
    const stack = new ChaosStack(fs.mkdtempSync(path.join(os.tmpdir(), 'baton-chaos-')), times);
    try {
      for (const a of stack.agents.values()) await a.start();
      await stack.controller.start({ agents: [...stack.agents.values()].map((a) => a.address) });
      return stack;
    } catch (e) {
      await stack.destroy();
      throw e;
    }
  }

  get client(): ControlClient {
    this.clientNow ??= controlClient(this.controller.address);
    return this.clientNow;
  }

  /** the stored nodes are dialled again: no agent list on a restart */
  async restartController(): Promise<void> {
    this.clientNow?.close();
    this.clientNow = null;
    await this.controller.start({ agents: [] });
  }

  async killController(): Promise<void> {
    this.clientNow?.close();
    this.clientNow = null;
    await this.controller.kill9();
  }

  agent(name: string): ManagedProcess {
    const a = this.agents.get(name);
    if (!a) throw new Error(`no agent ${name}`);
    return a;
  }

  /** pids of the controller and the agents now running */
  managedPids(): Set<number> {
    const pids = new Set<number>();
    for (const p of [this.controller, ...this.agents.values()]) if (p.running()) pids.add(p.pid);
    return pids;
  }

  async destroy(): Promise<void> {
    this.clientNow?.close();
    this.clientNow = null;
    await this.controller.destroy();
    for (const a of this.agents.values()) await a.destroy();
    unmountLogDisk(this.logDisk);
  }

  removeHome(): void {
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
