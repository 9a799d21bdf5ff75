// The built-in hook functions. Each honours its AbortSignal; the runner also enforces the
// timeout on its own, so a function that ignores the signal still cannot hold a transition.
import { spawn } from 'node:child_process';
import type { HookSpec } from '../../workflow/types.js';
import { BatonError } from '../../model/errors.js';
import { parseHookDuration, type HookFuncName } from '../../workflow/index.js';
import { hookEnvironment } from './environment.js';

export interface HookCall {
  hook: HookSpec;
  signal: AbortSignal;
  /** values a hook may refer to as ${name}: env_id, transition, run_number, state, workflow, hook, when */
  vars: Record<string, string>;
  cwd: string;
}

/** resolves to a short result text; rejects with a BatonError saying why it failed */
export type HookFn = (c: HookCall) => Promise<string>;

function bad(c: HookCall, what: string): BatonError {
  return new BatonError('BAD_INPUT', `hook ${c.hook.name} (${c.hook.func}): ${what}`, { where: c.hook.name });
}

/** "500ms", "2s", "1.5m", "1h" or a number of milliseconds (the same parse lint checks with) */
export const parseDuration = parseHookDuration;

/** Replaces ${name} in strings (deeply) with the call's vars. */
export function substitute(v: unknown, vars: Record<string, string>): unknown {
  if (typeof v === 'string') return v.replace(/\$\{([a-z_][a-z0-9_]*)\}/gi, (m, k: string) => (k in vars ? vars[k]! : m));
  if (Array.isArray(v)) return v.map((x) => substitute(x, vars));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = substitute(x, vars);
    return out;
  }
  return v;
}

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const httpPost: HookFn = async (c) => {
  const url = c.hook.args.url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw bad(c, `args.url must be an http(s) URL, got ${JSON.stringify(url)}`);
  const body =
    c.hook.args.body === undefined
      ? { env_id: c.vars.env_id, transition: c.vars.transition, run_number: c.vars.run_number, hook: c.hook.name, when: c.vars.when }
      : substitute(c.hook.args.body, c.vars);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const extra = c.hook.args.headers;
  if (extra && typeof extra === 'object') for (const [k, v] of Object.entries(extra)) headers[k] = String(substitute(v, c.vars));
  const res = await fetch(url, {
    method: 'POST',
    headers,
    signal: c.signal,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = (await res.text()).slice(0, 200);
  if (!res.ok) throw new BatonError('HOOK_FAILED', `POST ${url} answered ${res.status} ${res.statusText}${text ? `: ${text}` : ''}`);
  return `POST ${url}: ${res.status}`;
};

/** Most bytes of an exec hook's output kept (its last ones); what is beyond is dropped, and the
 *  error says so. */
export const EXEC_OUTPUT_CAP = 4000;

const exec: HookFn = (c) =>
  new Promise((resolve, reject) => {
    const cmd = c.hook.args.command;
    const argv = c.hook.args.args;
    if (typeof cmd !== 'string' || !cmd) {
      reject(bad(c, 'args.command must be a non-empty string'));
      return;
    }
    const useArgv = Array.isArray(argv);
    const child = spawn(useArgv ? cmd : '/bin/sh', useArgv ? argv.map((a) => String(substitute(a, c.vars))) : ['-c', String(substitute(cmd, c.vars))], {
      cwd: c.cwd,
      // its own process group: killed as a whole at the timeout
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: hookEnvironment(c),
    });
    let out = '';
    let total = 0;
    const keep = (b: Buffer) => {
      total += b.length;
      out = (out + b.toString()).slice(-EXEC_OUTPUT_CAP);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    // killed at the timeout: the whole process group, so a shell's children go too
    const onAbort = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    c.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      c.signal.removeEventListener('abort', onAbort);
      reject(new BatonError('HOOK_FAILED', `cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, sig) => {
      c.signal.removeEventListener('abort', onAbort);
      const last = out.trim().split('\n').slice(-5);
      const capped = total > EXEC_OUTPUT_CAP ? ` (output ${total} bytes: only the last ${EXEC_OUTPUT_CAP} kept)` : '';
      if (code === 0) resolve((last.join('\n').slice(0, 200) || 'exit code 0') + capped);
      else
        reject(
          new BatonError('HOOK_FAILED', `${cmd} ${sig ? `was killed by ${sig}` : `exited with code ${code}`}${capped}`, {
            exitCode: code ?? -1,
            signal: sig ?? '',
            lastLines: last.filter(Boolean),
            data: { output_bytes: String(total), output_kept: String(Math.min(total, EXEC_OUTPUT_CAP)) },
          }),
        );
    });
  });

const sleep: HookFn = async (c) => {
  const ms = parseDuration(c.hook.args.duration ?? c.hook.args.ms);
  if (ms === null) throw bad(c, `args.duration must be a duration such as 500ms or 2s, got ${JSON.stringify(c.hook.args.duration)}`);
  await sleepFor(ms, c.signal);
  return `slept ${ms} ms`;
};

const testFail: HookFn = async (c) => {
  const after = parseDuration(c.hook.args.after ?? 0) ?? 0;
  if (after) await sleepFor(after, c.signal);
  if (c.hook.args.fail === false || c.hook.args.fail === 'false') return 'did not fail (fail: false)';
  const msg = typeof c.hook.args.message === 'string' ? c.hook.args.message : 'test.fail failed on demand';
  throw new BatonError('HOOK_FAILED', msg);
};

/** One function per name lint knows (core/workflow/hook-funcs.ts): the type keeps them in step. */
export const BUILTINS: Record<HookFuncName, HookFn> = {
  'http.post': httpPost,
  exec,
  sleep,
  'test.fail': testFail,
};
