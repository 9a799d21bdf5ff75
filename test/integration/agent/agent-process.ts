// An agent in its own OS process, so that a test can kill it -9 or stop it, and its address once
// it listens. The home is removed (and the agent killed, if still there) when the test ends.
import type { TestContext } from 'node:test';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentOptions } from '../../../core/agent/main.js';
import { tempHome, TOKEN } from './harness.js';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'agent-main.js');

export interface AgentProcess {
  opts: AgentOptions;
  proc: ChildProcess;
  address: string;
  /** SIGKILL, and the process has exited */
  killHard(): Promise<void>;
}

export async function agentProcess(t: TestContext, extra: Partial<AgentOptions> = {}): Promise<AgentProcess> {
  const home = tempHome();
  const opts: AgentOptions = { name: 'n1', home, listen: `unix://${home}/agent.sock`, token: TOKEN, labels: {}, portRange: [31000, 31999], ...extra };
  const proc = spawn(process.execPath, [MAIN, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    fs.rmSync(home, { recursive: true, force: true });
  });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (c) => reject(new Error(`agent process exited ${c}`)));
  });
  const killHard = async () => {
    proc.kill('SIGKILL');
    if (proc.exitCode === null && proc.signalCode === null) await new Promise((r) => proc.once('exit', r));
  };
  return { opts, proc, address, killHard };
}
