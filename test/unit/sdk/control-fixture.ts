// Shared by the tests that drive tasks against the agent's real task control server: the server on
// a socket in a temporary directory, recording what tasks send; a wait for a condition; a child's
// exit with its output.
import type { TestContext } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startControlServer, type ControlHooks, type ControlServer, type TaskConn } from '../../../core/agent/process/control-server.js';
import type { TaskEvent, TaskHello, TransitionReply } from '../../../core/rpc/gen/task.js';

/** a temporary directory, removed after the test */
export function tmpDir(t: TestContext, prefix = 'baton-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** what tasks sent the server, in order; `refused` counts the hellos `authorize` turned down,
 *  `closed` the calls of accepted tasks that ended (a task's half-close, or its connection gone) */
export interface Recorded {
  conns: TaskConn[];
  hellos: TaskHello[];
  replies: TransitionReply[];
  events: TaskEvent[];
  refused: number;
  closed: number;
}

/**
 * The agent's control server, stopped after the test. `authorize` accepts every hello unless
 * given; `onHello` runs after the hello is recorded; `socketPath` (default: a new temporary
 * directory) lets a second server take the place of a stopped one, as a restarted agent does.
 */
export async function controlServer(
  t: TestContext,
  o: { authorize?: ControlHooks['authorize']; onHello?: (c: TaskConn, h: TaskHello) => void; socketPath?: string } = {},
): Promise<{ server: ControlServer; got: Recorded }> {
  const got: Recorded = { conns: [], hellos: [], replies: [], events: [], refused: 0, closed: 0 };
  const authorize = o.authorize ?? (() => true);
  const server = await startControlServer(o.socketPath ?? path.join(tmpDir(t, 'baton-ctl-'), 'task.sock'), {
    authorize: (id, token) => authorize(id, token) || (got.refused++, false),
    onHello: (_id, c, h) => {
      got.conns.push(c);
      got.hellos.push(h);
      o.onHello?.(c, h);
    },
    onClose: () => {
      got.closed++;
    },
    onReply: (_id, r) => got.replies.push(r),
    onEvent: (_id, e) => got.events.push(e),
    onCounters: () => {},
  });
  t.after(() => server.stop());
  return { server, got };
}

/** Polls `cond` every 5 ms; throws naming `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** the child's exit code and what it wrote (on the streams it was given as pipes) */
export function exitOf(p: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  p.stdout?.on('data', (d) => (stdout += d));
  p.stderr?.on('data', (d) => (stderr += d));
  return new Promise((r) => p.once('exit', (code) => r({ code, stdout, stderr })));
}
