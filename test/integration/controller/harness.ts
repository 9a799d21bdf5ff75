// A real controller with real agents (unix sockets, temp BATON_HOME), driven through the
// generated ControlClient.
import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlClient, type ControlProgress, type Environment, type Event, ListTasksRequest, type Task } from '../../../core/rpc/gen/control.js';
import { tokenInterceptor } from '../../../core/rpc/auth.js';
import { fromServiceError } from '../../../core/rpc/errors.js';
import { startController, type ControllerHandle, type ControllerOptions } from '../../../core/controller/main.js';
import { startAgent, startSimAgents, type AgentHandle } from '../../../core/agent/main.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const TOKEN = 'ctl-test-token';

/** Tests create environments from workflow files in temp dirs, run exec hooks from them and post
 *  to servers on loopback: the stacks of the harness allow that, as local mode does. The tests of
 *  the template policy itself (security.test.ts) start controllers with their own. */
export const TEST_TEMPLATE_POLICY: ControllerOptions['templatePolicy'] = {
  allowLocal: true,
  trustLocal: true,
  trustedRepos: [],
  httpHosts: ['127.0.0.1', 'localhost'],
};

export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'baton-'));
}

/** A template repo in a temp dir: workflows/*.yaml and tasks/*.yaml from the given texts. */
export function tempRepo(home: string, files: Record<string, string>): string {
  const repo = path.join(home, 'repo');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    fs.writeFileSync(path.join(repo, rel), text);
  }
  // the shipped task classes (demo, sim) are available to test workflows
  for (const f of fs.readdirSync(path.join(ROOT, 'assets', 'tasks'))) {
    const dst = path.join(repo, 'tasks', f);
    if (!fs.existsSync(dst)) {
      fs.mkdirSync(path.dirname(dst), { recursive: true });
      fs.copyFileSync(path.join(ROOT, 'assets', 'tasks', f), dst);
    }
  }
  return repo;
}

export interface Stack {
  home: string;
  ctl: ControllerHandle;
  agents: AgentHandle[];
  client: ControlClient;
  options: ControllerOptions;
  /** stops the controller only (agents and tasks keep running) */
  stopController(): Promise<void>;
  restartController(): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  realAgents?: number;
  simAgents?: number;
  labels?: Record<string, string>;
  controller?: Partial<ControllerOptions>;
  home?: string;
}

/**
 * Task ports of real agent i (1-based) of this test process: 50 each, in a block of 200 picked by
 * the process id below the kernel's ephemeral range (30000-32599), so that two test files running
 * at once rarely hand out the same port (a relaunched task keeps its address only if it is free).
 */
export function agentPorts(i: number): [number, number] {
  const base = 30000 + (process.pid % 13) * 200 + (i - 1) * 50;
  return [base, base + 49];
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const home = o.home ?? tempHome();
  const agents: AgentHandle[] = [];
  for (let i = 1; i <= (o.realAgents ?? 0); i++) {
    agents.push(
      await startAgent({
        name: `node-${i}`,
        home,
        listen: `unix://${home}/agent-${i}.sock`,
        token: TOKEN,
        labels: { zone: 'test', ...(o.labels ?? {}) },
        portRange: agentPorts(i),
      }),
    );
  }
  if (o.simAgents) {
    fs.mkdirSync(path.join(home, 'sim'), { recursive: true });
    agents.push(
      ...(await startSimAgents(o.simAgents, {
        home,
        listen: `unix://${home}/sim`,
        token: TOKEN,
        labels: { sim: 'true' },
        portRange: [40000, 49999],
      })),
    );
  }
  const options: ControllerOptions = {
    home,
    listen: `unix://${home}/controller.sock`,
    token: TOKEN,
    agents: agents.map((a) => a.address),
    heartbeatTimeoutMs: 3000,
    templatePolicy: TEST_TEMPLATE_POLICY,
    ...(o.controller ?? {}),
  };
  let ctl = await startController(options);
  let client = controlClient(ctl.address);
  const stack: Stack = {
    home,
    ctl,
    agents,
    client,
    options,
    async stopController() {
      client.close();
      await ctl.stop();
    },
    async restartController() {
      ctl = await startController({ ...options, agents: [] });
      client = controlClient(ctl.address);
      stack.ctl = ctl;
      stack.client = client;
    },
    async stop() {
      client.close();
      await ctl.stop();
      await Promise.all(agents.map((a) => a.stop({ killTasks: true })));
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
  return stack;
}

export function controlClient(address: string, token = TOKEN): ControlClient {
  return new ControlClient(address, grpc.credentials.createInsecure(), {
    interceptors: [tokenInterceptor(token)],
    'grpc.max_receive_message_length': 512 * 1024 * 1024,
  });
}

type Unary<Req, Res> = (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown;

/** A unary call as a promise; errors re-thrown as BatonError. */
export function call<Req, Res>(client: ControlClient, method: string, req: Req): Promise<Res> {
  const fn = (client as unknown as Record<string, Unary<Req, Res>>)[method]!.bind(client);
  return new Promise((resolve, reject) => {
    fn(req, (e, r) => (e ? reject(fromServiceError(e)) : resolve(r)));
  });
}

/** ControlEnvironment: resolves with every progress message; the last one is final. */
export function control(
  client: ControlClient,
  id: string,
  transition: string,
  timeoutMs = 30_000,
  args: Record<string, string> = {},
): Promise<ControlProgress[]> {
  return new Promise((resolve, reject) => {
    const msgs: ControlProgress[] = [];
    const s = client.controlEnvironment({ id, transition, timeoutMs, args });
    s.on('data', (p: ControlProgress) => msgs.push(p));
    s.on('error', (e) => reject(fromServiceError(e)));
    s.on('end', () => resolve(msgs));
  });
}

/** control() that must succeed; returns the final message. */
export async function mustControl(client: ControlClient, id: string, transition: string, timeoutMs = 30_000): Promise<ControlProgress> {
  const msgs = await control(client, id, transition, timeoutMs);
  const final = msgs[msgs.length - 1]!;
  if (!final?.final || !final.ok) {
    throw new Error(`${transition} of ${id} failed: ${JSON.stringify(final?.error ?? final)}`);
  }
  return final;
}

export function getEnv(client: ControlClient, id: string, withTasks = true, withTree = false): Promise<Environment> {
  return call(client, 'getEnvironment', { id, withTasks, withTree });
}

export async function listTasks(client: ControlClient, envId: string): Promise<Task[]> {
  return (await call<ListTasksRequest, { tasks: Task[] }>(client, 'listTasks', ListTasksRequest.fromPartial({ envId }))).tasks;
}

export async function createEnv(client: ControlClient, workflow: string, vars: Record<string, string> = {}, repo = ''): Promise<Environment> {
  return call(client, 'createEnvironment', { workflow, vars, repo, revision: '', owner: 'test', autoDeploy: false, name: '', runType: '' });
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Collects events of a Subscribe stream until stopped. */
export function subscribe(client: ControlClient, req: { fromSeq?: number; envId?: string; kinds?: string[]; replayAll?: boolean }) {
  const events: Event[] = [];
  let error: Error | null = null;
  const s = client.subscribe({ fromSeq: req.fromSeq ?? 0, envId: req.envId ?? '', kinds: req.kinds ?? [], replayAll: req.replayAll ?? false });
  s.on('data', (b: { events: Event[] }) => events.push(...b.events));
  s.on('error', (e) => {
    error = fromServiceError(e);
  });
  return {
    events,
    get error() {
      return error;
    },
    stop: () => s.cancel(),
  };
}

export function alive(pid: number): boolean {
  if (!pid) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const st = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return st !== 'Z' && st !== 'X';
  } catch {
    return false;
  }
}
