// The hook functions a call role may name, with their arguments: what `template lint` and every
// expansion check, so that an unknown func, a misspelt or missing argument, an exec hook from an
// untrusted repo or an http.post to a host off the allow list is a located error when the
// environment is created (or linted), not a failure at the transition. The controller runs them
// (core/controller/hooks/builtins.ts has one function per name here).
import type { HookSpec } from './types.js';
import { fail, sub, type At } from './evaluate.js';
import { describeHosts, hostAllowed, httpHostOf, repoTrusted, type ResolvedPolicy } from './policy.js';

type ArgKind = 'string' | 'duration' | 'bool' | 'list' | 'map' | 'any';

interface ArgSpec {
  kind: ArgKind;
  required?: boolean;
}

interface FuncSpec {
  args: Record<string, ArgSpec>;
  /** exactly these alternatives: one of them is required */
  oneOf?: string[];
}

export const HOOK_FUNCS = {
  'http.post': { args: { url: { kind: 'string', required: true }, body: { kind: 'any' }, headers: { kind: 'map' } } },
  exec: { args: { command: { kind: 'string', required: true }, args: { kind: 'list' }, env: { kind: 'map' } } },
  sleep: { args: { duration: { kind: 'duration' }, ms: { kind: 'duration' } }, oneOf: ['duration', 'ms'] },
  'test.fail': { args: { message: { kind: 'string' }, after: { kind: 'duration' }, fail: { kind: 'bool' } } },
} satisfies Record<string, FuncSpec>;

export type HookFuncName = keyof typeof HOOK_FUNCS;

export const HOOK_FUNC_NAMES = Object.keys(HOOK_FUNCS) as HookFuncName[];

/** "500ms", "2s", "1.5m", "1h" or a number of milliseconds; null when it is none of these */
export function parseHookDuration(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000));
}

function kindOk(kind: ArgKind, v: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'duration':
      return parseHookDuration(v) !== null;
    case 'bool':
      return typeof v === 'boolean' || v === 'true' || v === 'false';
    case 'list':
      return Array.isArray(v);
    case 'map':
      return !!v && typeof v === 'object' && !Array.isArray(v);
    case 'any':
      return true;
  }
}

const KIND_TEXT: Record<ArgKind, string> = {
  string: 'a string',
  duration: 'a duration such as 500ms or 2s',
  bool: 'true or false',
  list: 'a list',
  map: 'a map',
  any: 'any value',
};

export interface HookCheckContext {
  policy: ResolvedPolicy;
  configured: string[];
  /** the repo of the file that declares the call role */
  repoDir: string;
  /** false for a disabled role: its values may depend on vars that enable it, so only the
   *  function, the argument names and the repo's trust are checked */
  enabled: boolean;
}

/** Throws a located BAD_TEMPLATE (reason hook) for the first problem of one call role. */
export function checkHook(hook: HookSpec, callAt: At, rawArgs: unknown, ctx: HookCheckContext): void {
  const funcAt = sub(callAt, 'func');
  const argsAt = sub(callAt, 'args');
  const spec = (HOOK_FUNCS as Record<string, FuncSpec>)[hook.func];
  if (!spec) fail(funcAt, `unknown hook function "${hook.func}" (known: ${HOOK_FUNC_NAMES.join(', ')})`, 'hook');
  // argument names from the template as written (a map there, or an expression giving one)
  const names = rawArgs && typeof rawArgs === 'object' && !Array.isArray(rawArgs) ? Object.keys(rawArgs) : Object.keys(hook.args);
  for (const name of names) {
    if (!(name in spec.args)) fail(sub(argsAt, name), `${hook.func} has no argument "${name}" (its arguments: ${Object.keys(spec.args).join(', ')})`, 'hook');
  }
  if (hook.func === 'exec' && !repoTrusted(ctx.policy, ctx.configured, ctx.repoDir)) {
    fail(funcAt, `exec hooks run only from trusted template repos; ${ctx.repoDir} is not trusted (an admin marks a repo trusted with --trusted-repo)`, 'hook');
  }
  if (!ctx.enabled) return;
  for (const [name, arg] of Object.entries(spec.args)) {
    const v = hook.args[name];
    if (v === undefined) {
      if (arg.required) fail(argsAt, `${hook.func} needs the argument "${name}" (${KIND_TEXT[arg.kind]})`, 'hook');
      continue;
    }
    if (!kindOk(arg.kind, v)) fail(sub(argsAt, name), `${hook.func} argument "${name}" must be ${KIND_TEXT[arg.kind]}, got ${JSON.stringify(v)}`, 'hook');
  }
  if (spec.oneOf && !spec.oneOf.some((n) => hook.args[n] !== undefined)) {
    fail(argsAt, `${hook.func} needs one of the arguments ${spec.oneOf.map((n) => `"${n}"`).join(' or ')}`, 'hook');
  }
  if (hook.func === 'exec' && !String(hook.args.command).trim()) fail(sub(argsAt, 'command'), 'exec argument "command" must not be empty', 'hook');
  if (hook.func === 'http.post') {
    const url = String(hook.args.url);
    const host = httpHostOf(url);
    if (host === null) fail(sub(argsAt, 'url'), `http.post argument "url" must be an http(s) URL, got ${JSON.stringify(url)}`, 'hook');
    if (!hostAllowed(ctx.policy, host)) {
      fail(
        sub(argsAt, 'url'),
        `http.post may not reach ${host}: it is not on this controller's allow list (${describeHosts(ctx.policy)}; an admin adds hosts with --http-hook-host)`,
        'hook',
      );
    }
  }
}
