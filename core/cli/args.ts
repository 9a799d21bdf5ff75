// Parsing of command-line values. Every error is BAD_INPUT (exit 2) naming the flag and the value.
import { constants as osConstants } from 'node:os';
import { BatonError } from '../model/errors.js';
import { ENV_TRANSITIONS, isEnvTransition, type EnvTransition } from '../model/states.js';

/** commander collector for repeatable options (--var a=1 --var b=2) */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** --var k=v ... as a map; a later value for the same key wins. */
export function parseVars(list: string[] | undefined, flag = '--var'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const i = item.indexOf('=');
    const key = i > 0 ? item.slice(0, i).trim() : '';
    if (i < 0 || !key) {
      throw new BatonError('BAD_INPUT', `${flag} ${JSON.stringify(item)}: expected key=value`, { where: `${flag} ${item}` });
    }
    if (!/^[A-Za-z_][\w.\-/]*$/.test(key)) {
      throw new BatonError('BAD_INPUT', `${flag} ${JSON.stringify(item)}: ${JSON.stringify(key)} is not a valid variable name`, { where: `${flag} ${item}` });
    }
    out[key] = item.slice(i + 1);
  }
  return out;
}

/** 30s, 500ms, 2m, 1h, or a plain number of seconds. */
export function parseDuration(s: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new BatonError('BAD_INPUT', `${flag} ${JSON.stringify(s)}: expected a duration such as 30s, 500ms or 2m`, { where: flag });
  const n = Number(m[1]);
  const ms = n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000);
  if (ms > 0xffffffff) throw new BatonError('BAD_INPUT', `${flag} ${s}: too long`, { where: flag });
  return Math.round(ms);
}

export function parseCount(s: string, flag: string, min = 0): number {
  if (!/^\d+$/.test(s.trim())) throw new BatonError('BAD_INPUT', `${flag} ${JSON.stringify(s)}: expected a whole number`, { where: flag });
  const n = Number(s);
  if (n < min) throw new BatonError('BAD_INPUT', `${flag} ${s}: must be at least ${min}`, { where: flag });
  return n;
}

/** The environment transition named on the command line (case-insensitive, - or _). */
export function parseTransition(s: string): EnvTransition {
  const t = s.trim().toUpperCase().replace(/-/g, '_');
  if (!isEnvTransition(t)) {
    throw new BatonError('BAD_INPUT', `unknown transition ${JSON.stringify(s)}: expected one of ${ENV_TRANSITIONS.join(', ')}`, { where: 'TRANSITION' });
  }
  return t;
}

/** k=v,k2=v2 */
export function parseLabels(s: string | undefined, flag = '--labels'): Record<string, string> {
  const out: Record<string, string> = {};
  if (!s) return out;
  for (const part of s
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new BatonError('BAD_INPUT', `${flag} ${JSON.stringify(s)}: ${JSON.stringify(part)} is not key=value`, { where: flag });
    out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

/** 20000-20999 */
export function parsePortRange(s: string, flag = '--ports'): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(s.trim());
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2]) : NaN;
  if (!m || lo < 1 || hi > 65535 || lo > hi) {
    throw new BatonError('BAD_INPUT', `${flag} ${JSON.stringify(s)}: expected a port range such as 20000-20999`, { where: flag });
  }
  return [lo, hi];
}

/** KILL, SIGKILL, 9 -> SIGKILL */
export function parseSignal(s: string, flag = '--signal'): string {
  const sigs = osConstants.signals as Record<string, number>;
  const up = s.trim().toUpperCase();
  if (/^\d+$/.test(up)) {
    const name = Object.keys(sigs).find((k) => sigs[k] === Number(up));
    if (name) return name;
  } else {
    const name = up.startsWith('SIG') ? up : `SIG${up}`;
    if (name in sigs) return name;
  }
  throw new BatonError('BAD_INPUT', `${flag} ${JSON.stringify(s)}: not a signal name (e.g. SIGKILL, SIGTERM)`, { where: flag });
}
