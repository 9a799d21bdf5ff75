// A small test-side controller for driving a real agent over its Session stream.
import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AgentClient,
  AgentTaskLogsRequest,
  type AgentMsg,
  type BatchAnswers,
  type ControllerMsg,
  type Heartbeat,
  type Hello,
  type LaunchSpec,
  type TaskUpdate,
} from '../../../core/rpc/gen/agent.js';
import { tokenInterceptor } from '../../../core/rpc/auth.js';
import { startAgent, type AgentHandle, type AgentOptions } from '../../../core/agent/main.js';

export const PROGRAMS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../assets/programs');
export const NODE = process.execPath;
export const TOKEN = 'test-token';

export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'baton-'));
}

export function spec(f: Partial<LaunchSpec> & { taskId: string }): LaunchSpec {
  return {
    envId: 'env-test',
    name: f.taskId.split('/').pop()!,
    driver: 'process',
    control: 'controlled',
    command: NODE,
    args: [],
    env: {},
    cwd: '',
    binds: [],
    sim: undefined,
    controlExitMs: 2000,
    termMs: 1000,
    cleanupFiles: [],
    ...f,
  };
}

export function demo(taskId: string, extra: Partial<LaunchSpec> = {}): LaunchSpec {
  return spec({ taskId, args: [path.join(PROGRAMS, 'demo-task.js')], ...extra });
}

export async function startTestAgent(extra: Partial<AgentOptions> = {}): Promise<{ home: string; agent: AgentHandle; opts: AgentOptions }> {
  const home = extra.home ?? tempHome();
  const opts: AgentOptions = {
    name: 'n1',
    home,
    listen: `unix://${home}/agent.sock`,
    token: TOKEN,
    labels: { zone: 'test' },
    portRange: [31000, 31999],
    ...extra,
  };
  return { home, agent: await startAgent(opts), opts };
}

export function client(address: string, token = TOKEN): AgentClient {
  return new AgentClient(address, grpc.credentials.createInsecure(), { interceptors: [tokenInterceptor(token)] });
}

export class TestController {
  readonly msgs: AgentMsg[] = [];
  readonly updates: TaskUpdate[] = [];
  /** answers by position (only when opened with batchAnswers) */
  readonly answers: BatchAnswers[] = [];
  readonly heartbeats: Heartbeat[] = [];
  readonly done = new Set<number>();
  hello: Hello | null = null;
  ended = false;
  error: Error | null = null;
  private batch = 1;
  private waiters = new Set<() => void>();
  private call: grpc.ClientDuplexStream<ControllerMsg, AgentMsg>;

  constructor(readonly client: AgentClient) {
    this.call = client.session();
    this.call.on('data', (m: AgentMsg) => {
      this.msgs.push(m);
      const x = m.msg;
      if (x?.$case === 'hello') this.hello = x.hello;
      else if (x?.$case === 'updates') this.updates.push(...x.updates.items);
      else if (x?.$case === 'answers') this.answers.push(x.answers);
      else if (x?.$case === 'heartbeat') this.heartbeats.push(x.heartbeat);
      else if (x?.$case === 'batchDone') this.done.add(x.batchDone.batchId);
      this.wake();
    });
    this.call.on('error', (e) => {
      this.error = e;
      this.ended = true;
      this.wake();
    });
    this.call.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** controllerId: who this test controller says it is (an agent belongs to its first one);
   *  batchAnswers: it understands answers by position (false: a controller older than them);
   *  batchExits: and the exits in them */
  static async open(
    address: string,
    token = TOKEN,
    controllerId = 'test',
    takeOver = false,
    batchAnswers = false,
    batchExits = false,
  ): Promise<TestController> {
    const c = new TestController(client(address, token));
    c.send({ msg: { $case: 'welcome', welcome: { controllerId, node: 'n1', takeOver, batchAnswers, batchExits } } });
    await c.waitFor(() => c.hello, 10_000, 'hello');
    return c;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  send(m: ControllerMsg): void {
    this.call.write(m);
  }

  /** Resolves with the first truthy value of f (checked on every message), or throws after ms. */
  waitFor<T>(f: () => T | undefined | null | false, ms = 10_000, what = 'condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let v: T | undefined | null | false;
        try {
          v = f();
        } catch (e) {
          return finish(() => reject(e));
        }
        if (v) return finish(() => resolve(v as T));
        if (this.ended) return finish(() => reject(new Error(`session ended while waiting for ${what}: ${this.error?.message ?? ''}`)));
      };
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        fn();
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}`))), ms);
      this.waiters.add(check);
      check();
    });
  }

  private async batchOf(id: number, ms: number): Promise<TaskUpdate[]> {
    await this.waitFor(() => this.done.has(id), ms, `BatchDone ${id}`);
    return this.updates.filter((u) => u.batchId === id);
  }

  launch(specs: LaunchSpec[], deadlineMs = 10_000, waitMs = 30_000): Promise<TaskUpdate[]> {
    const batchId = this.batch++;
    this.send({ msg: { $case: 'launch', launch: { batchId, tasks: specs, deadlineMs } } });
    return this.batchOf(batchId, waitMs);
  }

  transition(event: string, items: Array<{ taskId: string; args?: Record<string, string> }>, deadlineMs = 10_000, waitMs = 30_000): Promise<TaskUpdate[]> {
    const batchId = this.batch++;
    this.send({
      msg: { $case: 'transition', transition: { batchId, event, deadlineMs, items: items.map((i) => ({ taskId: i.taskId, args: i.args ?? {} })) } },
    });
    return this.batchOf(batchId, waitMs);
  }

  /** exitsByPosition: this controller keeps the batch (the exits may come by position) */
  kill(taskIds: string[], graded: boolean, waitMs = 30_000, exitsByPosition = false): Promise<TaskUpdate[]> {
    const batchId = this.batch++;
    this.send({ msg: { $case: 'kill', kill: { batchId, taskIds, graded, reason: 'test', exitsByPosition } } });
    return this.batchOf(batchId, waitMs);
  }

  exited(taskId: string, ms = 10_000): Promise<TaskUpdate> {
    return this.waitFor(() => this.updates.find((u) => u.taskId === taskId && u.kind === 'exited'), ms, `exit of ${taskId}`);
  }

  close(): void {
    this.call.end();
    this.client.close();
  }
}

/** All lines of a TaskLogs call (not following), or the first `until` lines when following. */
export function readLogs(
  c: AgentClient,
  req: { taskId: string; tail?: number; grep?: string; follow?: boolean },
  until?: (lines: string[]) => boolean,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const s = c.taskLogs(AgentTaskLogsRequest.fromPartial({ taskId: req.taskId, tail: req.tail ?? 0, grep: req.grep ?? '', follow: !!req.follow }));
    s.on('data', (ch: { lines: string[] }) => {
      lines.push(...ch.lines);
      if (until && until(lines)) {
        s.cancel();
        resolve(lines);
      }
    });
    s.on('end', () => resolve(lines));
    s.on('error', (e: grpc.ServiceError) => (e.code === grpc.status.CANCELLED ? resolve(lines) : reject(e)));
  });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An agent and a controller session for one test, torn down (agent, tasks, temp dir) after it. */
export async function setup(t: { after(fn: () => unknown): void }, extra: Partial<AgentOptions> = {}) {
  const env = await startTestAgent(extra);
  const ctl = await TestController.open(env.agent.address);
  const logs = client(env.agent.address);
  t.after(async () => {
    ctl.close();
    logs.close();
    await env.agent.stop();
    fs.rmSync(env.home, { recursive: true, force: true });
  });
  return { ...env, ctl, logs };
}

/** Live (non-zombie) processes of a process group, read from /proc independently of the agent. */
export function groupLiving(pgid: number): number[] {
  const out: number[] = [];
  for (const n of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    let st: string;
    try {
      st = fs.readFileSync(`/proc/${n}/stat`, 'latin1');
    } catch {
      continue;
    }
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    if (Number(f[2]) === pgid && f[0] !== 'Z') out.push(Number(n));
  }
  return out;
}

/** SIGKILLs these process groups when the test ends, whatever it reached (a pid of 0 is skipped) */
export function killGroupsAfter(t: { after(fn: () => unknown): void }, pgids: () => number[]): void {
  t.after(() => {
    for (const pgid of pgids()) {
      try {
        if (pgid) process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  });
}
