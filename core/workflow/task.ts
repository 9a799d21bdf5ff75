// A task role plus its class -> TaskSpec. Class fields are evaluated in the role's scope over the
// class defaults; fields under the role's `task:` override the class's.
import type { ChannelBindSpec, ChannelConnectSpec, SimBehaviour, TaskSpec } from './types.js';
import type { Scope } from './expr.js';
import type { Loaded } from './templates.js';
import { evalAt, evalBool, evalDuration, evalMemory, evalNumber, evalString, evalStringMap, fail, sub, type At } from './evaluate.js';
import { isTaskEvent, TASK_EVENTS } from '../model/states.js';
import { restartPolicy } from './restart.js';

type Raw = Record<string, unknown>;

export const DEFAULT_KILL = { controlExitMs: 3000, termMs: 5000 };
const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.@+=-]*$/;

export interface TaskInput {
  path: string;
  roleAt: At; // the role
  role: Raw;
  cls: Loaded;
  className: string;
  scope: Scope; // the role's scope over the class defaults
  critical: boolean;
  constraints: Record<string, string>;
}

export function buildTask(t: TaskInput): TaskSpec {
  const c = t.cls.src.value as Raw;
  const ref = (t.role.task ?? {}) as Raw;
  const cAt: At = { src: t.cls.src, ptr: '', context: `role ${t.path} (class ${t.className})` };
  const rAt = sub(t.roleAt, 'task');
  const s = t.scope;
  // a field from the role's task: if there, else from the class
  const pick = (k: string): [unknown, At] => (ref[k] !== undefined ? [ref[k], sub(rAt, k)] : [c[k], sub(cAt, k)]);

  const control = (c.control as 'controlled' | 'basic' | undefined) ?? 'basic';
  const driver = (c.driver as 'process' | 'sim' | undefined) ?? 'process';
  const [cmdRaw, cmdAt] = pick('command');
  const command = cmdRaw === undefined ? '' : evalString(cmdAt, cmdRaw, s, 'command');
  if (driver === 'process' && !command) fail(cmdRaw === undefined ? cAt : cmdAt, `class ${t.className} has no command (needed by the process driver)`, 'class');

  const [argsRaw, argsAt] = pick('args');
  const args: string[] = [];
  (Array.isArray(argsRaw) ? argsRaw : []).forEach((a, i) => {
    const v = evalAt(sub(argsAt, i), a, s);
    if (Array.isArray(v)) for (const x of v) args.push(scalarString(x));
    else args.push(scalarString(v));
  });

  const env = evalStringMap(sub(cAt, 'env'), c.env, s);
  evalStringMap(sub(rAt, 'env'), ref.env, s, env);
  const properties = evalStringMap(sub(cAt, 'properties'), c.properties, s);
  evalStringMap(sub(rAt, 'properties'), ref.properties, s, properties);

  const [cwdRaw, cwdAt] = pick('cwd');
  const cwd = cwdRaw === undefined ? undefined : evalString(cwdAt, cwdRaw, s, 'cwd');

  const wants = { cpu: 0, memoryBytes: 0 };
  for (const [w, at] of [
    [c.wants, sub(cAt, 'wants')],
    [ref.wants, sub(rAt, 'wants')],
  ] as [Raw | undefined, At][]) {
    if (!w) continue;
    if (w.cpu !== undefined) wants.cpu = evalNumber(sub(at, 'cpu'), w.cpu, s, 0, 'wants.cpu');
    if (w.memory !== undefined) wants.memoryBytes = evalMemory(sub(at, 'memory'), w.memory, s, 0, 'wants.memory');
    if (wants.cpu < 0) fail(sub(at, 'cpu'), 'wants.cpu must not be negative', 'range');
  }

  const killTimeouts = { ...DEFAULT_KILL };
  for (const [k, at] of [
    [c.kill, sub(cAt, 'kill')],
    [ref.kill, sub(rAt, 'kill')],
  ] as [Raw | undefined, At][]) {
    if (!k) continue;
    killTimeouts.controlExitMs = evalDuration(sub(at, 'control_exit'), k.control_exit, s, killTimeouts.controlExitMs, 'kill.control_exit');
    killTimeouts.termMs = evalDuration(sub(at, 'term'), k.term, s, killTimeouts.termMs, 'kill.term');
  }

  const cleanupFiles: string[] = [];
  for (const [cl, at] of [
    [c.cleanup, sub(cAt, 'cleanup')],
    [ref.cleanup, sub(rAt, 'cleanup')],
  ] as [Raw | undefined, At][]) {
    if (!cl) continue;
    ((cl.files as unknown[]) ?? []).forEach((f, i) => cleanupFiles.push(evalString(sub(sub(at, 'files'), i), f, s, 'cleanup file')));
    ((cl.shm as unknown[]) ?? []).forEach((f, i) => {
      const name = evalString(sub(sub(at, 'shm'), i), f, s, 'cleanup shm').replace(/^\/+/, '');
      if (!name || name.includes('/')) fail(sub(sub(at, 'shm'), i), `shared memory name "${name}" must be a plain name`, 'class');
      cleanupFiles.push(`/dev/shm/${name}`);
    });
  }

  let sim: SimBehaviour | undefined;
  if (driver === 'sim' || c.sim !== undefined || ref.sim !== undefined) {
    sim = { delayMs: 0 };
    for (const [b, at] of [
      [c.sim, sub(cAt, 'sim')],
      [ref.sim, sub(rAt, 'sim')],
    ] as [Raw | undefined, At][]) {
      if (!b) continue;
      sim.delayMs = evalDuration(sub(at, 'delay'), b.delay, s, sim.delayMs, 'sim.delay');
      if (b.fail_on !== undefined) {
        const ev = evalString(sub(at, 'fail_on'), b.fail_on, s, 'sim.fail_on');
        if (ev !== '' && !isTaskEvent(ev)) fail(sub(at, 'fail_on'), `sim.fail_on must be a task event (${TASK_EVENTS.join(', ')}), got "${ev}"`, 'class');
        if (ev) sim.failOn = ev;
        else delete sim.failOn;
      }
      if (b.fail_rate !== undefined) {
        const r = evalNumber(sub(at, 'fail_rate'), b.fail_rate, s, 0, 'sim.fail_rate');
        if (r < 0 || r > 1) fail(sub(at, 'fail_rate'), `sim.fail_rate must be between 0 and 1, got ${r}`, 'range');
        sim.failRate = r;
      }
      if (b.exit_after !== undefined) sim.exitAfterMs = evalDuration(sub(at, 'exit_after'), b.exit_after, s, 0, 'sim.exit_after');
    }
  }

  const constraints = evalStringMap(sub(cAt, 'constraints'), c.constraints, s);
  Object.assign(constraints, t.constraints);

  const binds = mergeByName(channelBinds(sub(cAt, 'bind'), c.bind, s), channelBinds(sub(t.roleAt, 'bind'), t.role.bind, s));
  const connects = mergeByName(channelConnects(sub(cAt, 'connect'), c.connect, s), channelConnects(sub(t.roleAt, 'connect'), t.role.connect, s));

  const spec: TaskSpec = {
    name: t.path,
    rolePath: t.path,
    className: t.className,
    control,
    driver,
    command,
    args,
    env,
    critical: t.critical,
    constraints,
    wants,
    properties,
    binds,
    connects,
    cleanupFiles,
    killTimeouts,
  };
  if (cwd !== undefined) spec.cwd = cwd;
  if (sim) spec.sim = sim;
  // the role's task: wins over the role, the role over the class
  const [restartRaw, restartAt] =
    ref.restart !== undefined
      ? [ref.restart, sub(rAt, 'restart')]
      : t.role.restart !== undefined
        ? [t.role.restart, sub(t.roleAt, 'restart')]
        : [c.restart, sub(cAt, 'restart')];
  const restart = restartPolicy(restartAt, restartRaw, s);
  if (restart) spec.restart = restart;
  return spec;
}

function scalarString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
}

/** Where each channel was written, for channel errors found after expansion. */
export const channelOrigin = new WeakMap<object, At>();

function channelBinds(at: At, raw: unknown, s: Scope): ChannelBindSpec[] {
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  return raw.map((b: Raw, i) => {
    const bAt = sub(at, i);
    const name = channelName(sub(bAt, 'name'), b.name, s, seen);
    const type = b.type === undefined ? 'push' : (evalString(sub(bAt, 'type'), b.type, s, 'bind type') as ChannelBindSpec['type']);
    if (!['push', 'pull', 'pub', 'sub'].includes(type)) fail(sub(bAt, 'type'), `bind ${name}: type must be push, pull, pub or sub, got "${type}"`, 'channel');
    const transport = b.transport === undefined ? 'tcp' : (evalString(sub(bAt, 'transport'), b.transport, s, 'transport') as ChannelBindSpec['transport']);
    if (!['tcp', 'unix'].includes(transport)) fail(sub(bAt, 'transport'), `bind ${name}: transport must be tcp or unix, got "${transport}"`, 'channel');
    const spec: ChannelBindSpec = { name, type, transport };
    channelOrigin.set(spec, bAt);
    return spec;
  });
}

function channelConnects(at: At, raw: unknown, s: Scope): ChannelConnectSpec[] {
  if (!Array.isArray(raw)) return [];
  const seen = new Set<string>();
  return raw.map((b: Raw, i) => {
    const cAt = sub(at, i);
    const name = channelName(sub(cAt, 'name'), b.name, s, seen);
    const target = evalString(sub(cAt, 'target'), b.target, s, 'connect target').trim();
    if (!/^[^:\s]*:[^:\s/]+$/.test(target)) {
      fail(sub(cAt, 'target'), `connect ${name}: target "${target}" must be role:channel (e.g. builder:out, readout-*:out, ../x:out)`, 'channel');
    }
    const spec: ChannelConnectSpec = { name, target, resolved: [] };
    if (b.optional !== undefined && evalBool(sub(cAt, 'optional'), b.optional, s, false, 'optional')) spec.optional = true;
    channelOrigin.set(spec, cAt);
    return spec;
  });
}

function channelName(at: At, raw: unknown, s: Scope, seen: Set<string>): string {
  const name = evalString(at, raw, s, 'channel name');
  if (!NAME_RE.test(name)) fail(at, `channel name "${name}" may hold only letters, digits, _ . - @ + =`, 'channel');
  if (seen.has(name)) fail(at, `channel ${name} is declared twice`, 'channel');
  seen.add(name);
  return name;
}

/** Class channels, then the role's: a role channel replaces the class channel of the same name. */
function mergeByName<T extends { name: string }>(base: T[], over: T[]): T[] {
  if (!over.length) return base;
  const names = new Set(over.map((x) => x.name));
  return [...base.filter((x) => !names.has(x.name)), ...over];
}
