// Launching one task of a LaunchBatch: ports and socket paths for its binds, spawn, and for a
// controlled task the wait for its hello (before the batch deadline, else it is killed).
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LaunchSpec } from '../../rpc/gen/agent.js';
import { BatonError, type ErrorCode } from '../../model/errors.js';
import { ORPHAN_GRACE_ENV } from '../../model/orphan-grace.js';
import { errorDetail, makeUpdate } from '../updates.js';
import { MAX_UNIX_PATH } from './control-server.js';
import { terminateGroups } from './group-kill.js';
import { logFileName, lastLines } from './logs.js';
import { readProcStat } from './proc.js';
import { spawnTask, taskEnv } from './spawn.js';
import { exitedError, newTask, taskError, type ProcTask } from './task.js';
import type { ProcessDriver } from './driver.js';

function failed(
  d: ProcessDriver,
  batchId: number,
  s: LaunchSpec,
  code: ErrorCode,
  message: string,
  fields: { where?: string; data?: Record<string, string>; lastLines?: string[] } = {},
): void {
  d.sink.push(
    makeUpdate(s.taskId, 'failed', {
      batchId,
      ok: false,
      state: 'ERROR',
      host: d.o.host,
      error: errorDetail(code, message, { envId: s.envId, taskId: s.taskId, taskName: s.name, node: d.node, ...fields }),
    }),
  );
}

async function allocateBinds(
  d: ProcessDriver,
  s: LaunchSpec,
): Promise<{ ports: Record<string, number>; addresses: Record<string, string>; unixPaths: string[] }> {
  const ports: Record<string, number> = {};
  const addresses: Record<string, string> = {};
  const unixPaths: string[] = [];
  try {
    for (const b of s.binds) {
      if (!/^[A-Za-z0-9_.-]+$/.test(b.name))
        throw new BatonError('BAD_INPUT', `channel name ${JSON.stringify(b.name)} of task ${s.name} is not a plain name`, { where: 'binds' });
      if (b.transport === 'unix') {
        const p = path.join(d.o.dir, 'sock', `${logFileName(s.taskId).replace(/\.log$/, '')}.${b.name}.sock`);
        if (Buffer.byteLength(p) > MAX_UNIX_PATH) throw new BatonError('BAD_INPUT', `socket path ${p} for channel ${b.name} is too long`, { where: 'binds' });
        unixPaths.push(p);
        addresses[b.name] = `unix://${p}`;
      } else if (b.transport === 'tcp' || b.transport === '') {
        const port = b.port ? await d.ports.allocatePreferred(b.port) : await d.ports.allocate();
        ports[b.name] = port;
        addresses[b.name] = `tcp://${d.o.host}:${port}`;
      } else {
        throw new BatonError('BAD_INPUT', `channel ${b.name} of task ${s.name}: unknown transport ${b.transport} (tcp or unix)`, { where: 'binds' });
      }
    }
  } catch (e) {
    for (const p of Object.values(ports)) d.ports.release(p);
    throw e;
  }
  return { ports, addresses, unixPaths };
}

/** Resolves when the task said hello, exited, or the deadline passed. */
function waitHello(t: ProcTask, deadlineAt: number): Promise<'hello' | 'exited' | 'timeout'> {
  if (t.conn) return Promise.resolve('hello');
  return new Promise((resolve) => {
    const done = (v: 'hello' | 'exited' | 'timeout') => {
      clearTimeout(timer);
      t.connWaiters.delete(w);
      resolve(v);
    };
    const w = () => done(t.exit ? 'exited' : t.conn ? 'hello' : 'timeout');
    const timer = setTimeout(() => done(t.conn ? 'hello' : 'timeout'), Math.max(0, deadlineAt - Date.now()));
    t.connWaiters.add(w);
  });
}

/** The 'launched' update of a task whose hello came (or of a basic task), once tasks.json holds it. */
function reportLaunched(d: ProcessDriver, t: ProcTask, batchId: number): void {
  if (d.tasks.get(t.id) !== t) return; // reaped meanwhile
  t.launched = true;
  d.sink.push(
    makeUpdate(t.id, 'launched', {
      batchId,
      ok: true,
      state: t.state,
      pid: t.pid,
      ports: t.ports,
      addresses: t.addresses,
      logPath: t.logPath,
      host: d.o.host,
    }),
  );
  if (t.exit) d.reportExit(t); // it ended while its launch waited for the write
}

/**
 * Spawns one task and, for a controlled one, waits for its hello. Failures are reported at once;
 * the 'launched' update is pushed onto `reports`, to be awaited by the batch (reportLaunched).
 */
export async function launchOne(d: ProcessDriver, batchId: number, s: LaunchSpec, deadlineAt: number, reports: Promise<void>[]): Promise<void> {
  try {
    if (!s.taskId) return failed(d, batchId, s, 'BAD_INPUT', 'a launch without a task id', { where: 'task_id' });
    if (d.isLive(s.taskId)) return failed(d, batchId, s, 'BAD_INPUT', `task ${s.name || s.taskId} already runs on node ${d.node}`);
    if (s.control !== '' && s.control !== 'controlled' && s.control !== 'basic') {
      return failed(d, batchId, s, 'BAD_INPUT', `task ${s.name}: control must be controlled or basic, not ${s.control}`, { where: 'control' });
    }
    const control = s.control === 'basic' ? 'basic' : 'controlled';
    d.tasks.delete(s.taskId); // an exited task of the same id is replaced (RECOVER restarts it)
    let binds;
    try {
      binds = await allocateBinds(d, s);
    } catch (e) {
      const be = e instanceof BatonError ? e : new BatonError('INTERNAL', (e as Error).message);
      return failed(d, batchId, s, be.code, be.message, { where: be.detail.where });
    }
    const token = randomBytes(16).toString('hex');
    const logPath = path.join(d.o.dir, 'logs', logFileName(s.taskId));
    const env = taskEnv(d.inheritedEnv, s.env, {
      BATON_TASK_ID: s.taskId,
      BATON_TASK_NAME: s.name,
      BATON_ENV_ID: s.envId,
      BATON_NODE: d.node,
      ...(control === 'controlled' ? { BATON_CONTROL: `unix://${d.controlPath}`, BATON_TASK_TOKEN: token, [ORPHAN_GRACE_ENV]: String(d.o.orphanGraceMs) } : {}),
    });
    const logStart = d.journal.sizeBeforeStart(logPath);
    const r = await spawnTask({ command: s.command, args: s.args, env, cwd: s.cwd || d.o.dir, logPath }, d.spawner);
    if (!r.ok) {
      for (const p of Object.values(binds.ports)) d.ports.release(p);
      return failed(d, batchId, s, 'TASK_FAILED', `task ${s.name}: ${r.message}`, {
        data: r.errno ? { errno: r.errno } : undefined,
        lastLines: lastLines(logPath),
      });
    }
    const t = newTask({
      id: s.taskId,
      envId: s.envId,
      name: s.name,
      control,
      command: s.command,
      pid: r.pid,
      startTime: r.startTime ?? readProcStat(r.pid)?.starttime ?? 0,
      token,
      state: 'STANDBY',
      logPath,
      ...binds,
      cleanupFiles: s.cleanupFiles,
      controlExitMs: s.controlExitMs,
      termMs: s.termMs,
      child: r.child,
    });
    d.tasks.set(t.id, t);
    d.journal.started(logPath, logStart, r.pid);
    r.child.on('exit', (code, signal, groupGone) => d.onExit(t, code, signal, groupGone));
    d.persist();

    if (control === 'controlled') {
      const outcome = await waitHello(t, deadlineAt);
      if (d.tasks.get(t.id) !== t) return; // reaped meanwhile
      if (outcome === 'exited') {
        return void d.sink.push(
          makeUpdate(t.id, 'failed', {
            batchId,
            ok: false,
            state: 'ERROR',
            pid: t.pid,
            logPath,
            host: d.o.host,
            exit: t.exit!,
            error: {
              ...exitedError(t, d.node),
              message: `task ${t.name} exited before it said hello on the control socket (${t.exit!.signal || 'exit code ' + t.exit!.code})`,
            },
          }),
        );
      }
      if (outcome === 'timeout') {
        await terminateGroups(d, [t], 'SIGKILL', 0);
        return void d.sink.push(
          makeUpdate(t.id, 'failed', {
            batchId,
            ok: false,
            state: 'ERROR',
            pid: t.pid,
            logPath,
            host: d.o.host,
            exit: t.exit ?? undefined,
            error: taskError(t, d.node, 'TIMEOUT', `task ${t.name} did not say hello on the control socket before the launch deadline; it was killed`, {
              data: { alive: 'false' },
            }),
          }),
        );
      }
    }
    // Reported only once tasks.json holds it: an agent killed right after would otherwise leave a
    // task the controller knows and the next agent cannot adopt (its re-dial is refused and it
    // leaves). The write is the one shared by the whole batch (no extra write), and the launch
    // slot does not wait for it: the batch does, before its BatchDone.
    reports.push(d.persisted().then(() => reportLaunched(d, t, batchId)));
  } catch (e) {
    failed(d, batchId, s, 'INTERNAL', `launch of ${s.name} failed: ${(e as Error).message}`);
  }
}
