// Controllers and agents as child processes (so that a test can kill -9 them).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControllerOptions } from '../../../core/controller/main.js';
import type { AgentOptions } from '../../../core/agent/main.js';
import { TEST_TEMPLATE_POLICY } from './harness.js';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child-main.js');

export interface Child {
  proc: ChildProcess;
  address: string;
  /** kill -9 and wait for the exit */
  kill9(): Promise<void>;
}

async function start(kind: 'controller' | 'agent', opts: object): Promise<Child> {
  const proc = spawn(process.execPath, [MAIN, kind, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (c) => reject(new Error(`${kind} process exited ${c} before listening`)));
  });
  return {
    proc,
    address,
    async kill9() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    },
  };
}

/** with the harness's template policy (local workflow files allowed and trusted) unless given */
export const startChildController = (o: ControllerOptions): Promise<Child> => start('controller', { templatePolicy: TEST_TEMPLATE_POLICY, ...o });
export const startChildAgent = (o: AgentOptions): Promise<Child> => start('agent', o);
