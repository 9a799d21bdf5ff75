// Generated and mutated templates for the fuzz test: a seeded generator of random workflows and
// task classes (often wrong on purpose), and random mutations of the real fixture files.
import fs from 'node:fs';
import path from 'node:path';

export type Rand = () => number;

/** mulberry32: small, seeded, reproducible. */
export function rng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const chance = (r: Rand, p: number) => r() < p;

const WEIRD = [
  '',
  ' ',
  '{{',
  '}}',
  '{{ }}',
  '{{ x',
  'a/b',
  '*',
  '../',
  ':',
  '-',
  '__proto__',
  'constructor',
  '\u0000',
  '☃',
  'x'.repeat(300),
  '{{ 1/0 }}',
  '{{ range(0, 3) }}',
  '{{ nope }}',
  '{{ "s" + 1 }}',
  '{{ [1, "a"] }}',
  '{{ {"k": 1} }}',
  'true',
  '5',
  '-1',
  '1e309',
  '{{ it }}',
];
const EXPRS = [
  '{{ n }}',
  '{{ n > 1 }}',
  '{{ flag }}',
  '{{ !flag }}',
  '{{ name }}',
  '{{ n * 2 }}',
  '{{ range(0, n) }}',
  '{{ it }}',
  '{{ string(it) }}',
  '{{ size(items) }}',
  '{{ items }}',
  '{{ pad(n, 3) }}',
  '{{ baton.root }}',
  '{{ repo }}',
  '{{ name + "-x" }}',
];
const TRIGGERS = ['before_CONFIGURE', 'after_START_ACTIVITY', 'enter_RUNNING', 'leave_CONFIGURED', 'after_NOPE', 'during_RUN', 'before_', '_'];

/** How often the generator picks a wrong value on purpose (set per case: some cases are mostly valid). */
let noise = 0.3;

/** One of the valid values, or (with the case's noise) anything. */
function typed(r: Rand, valid: readonly unknown[]): unknown {
  return chance(r, noise) ? scalar(r) : pick(r, valid);
}

function scalar(r: Rand): unknown {
  if (!chance(r, noise)) return pick(r, [1, 2, 'v', '{{ n }}', true, '{{ name }}']);
  switch (int(r, 0, 6)) {
    case 0:
      return int(r, -3, 12);
    case 1:
      return chance(r, 0.5);
    case 2:
      return pick(r, EXPRS);
    case 3:
      return pick(r, WEIRD);
    case 4:
      return r() * 10;
    case 5:
      return null;
    default:
      return `v${int(r, 0, 9)}`;
  }
}

function value(r: Rand, depth = 0): unknown {
  if (depth > 2 || chance(r, 0.7)) return scalar(r);
  if (chance(r, 0.5)) return Array.from({ length: int(r, 0, 3) }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = int(r, 0, 3); i > 0; i--) o[pick(r, ['a', 'b', 'url', 'n', 'duration', '__proto__', 'x y'])] = value(r, depth + 1);
  return o;
}

function channelList(r: Rand, kind: 'bind' | 'connect'): unknown[] {
  return Array.from({ length: int(r, 0, 2) }, () => {
    const c: Record<string, unknown> = { name: chance(r, 0.9) ? pick(r, ['out', 'in', 'data']) : scalar(r) };
    if (kind === 'bind') {
      if (chance(r, 0.7)) c.type = typed(r, ['push', 'pull', 'pub', 'sub']);
      if (chance(r, 0.3)) c.transport = typed(r, ['tcp', 'unix']);
    } else {
      c.target = chance(r, 0.85)
        ? pick(r, ['r0:out', 'r*:out', '../r0:out', './r1:data', '/g/r0:out', '**:out', 'g/*:in', 'nowhere:out', 'r0', ':out', '../../..:x'])
        : scalar(r);
      if (chance(r, 0.2)) c.optional = typed(r, [true, false]);
    }
    return c;
  });
}

function role(r: Rand, depth: number, includes: string[], classes: string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (!chance(r, noise / 10)) o.name = !chance(r, noise) ? pick(r, ['r0', 'r1', 'g', 'r{{ it }}', 'x-{{ it }}', 'h', 'r{{ string(it) }}']) : scalar(r);
  const kind = depth >= 3 ? 'task' : chance(r, noise / 3) ? pick(r, ['none', 'two']) : pick(r, ['task', 'task', 'task', 'roles', 'roles', 'include', 'call']);
  if (kind === 'task' || kind === 'two') {
    o.task = !chance(r, noise / 5) ? { class: !chance(r, noise / 2) ? pick(r, classes) : scalar(r) } : scalar(r);
    if (chance(r, 0.3) && typeof o.task === 'object' && o.task) Object.assign(o.task, { critical: typed(r, [true, false, '{{ n > 0 }}', '{{ flag }}']) });
    if (chance(r, 0.2) && typeof o.task === 'object' && o.task)
      Object.assign(o.task, { properties: { p: scalar(r) }, sim: { delay: typed(r, [10, '5ms', '{{ n }}']) } });
  }
  if (kind === 'roles' || kind === 'two') o.roles = Array.from({ length: int(r, 0, 3) }, () => role(r, depth + 1, includes, classes));
  if (kind === 'include')
    o.include = { workflow: chance(r, 0.8) && includes.length ? pick(r, includes) : scalar(r), ...(chance(r, 0.5) ? { vars: { n: scalar(r) } } : {}) };
  if (kind === 'call')
    o.call = {
      func: chance(r, 0.9) ? pick(r, ['sleep', 'http.post', 'exec']) : scalar(r),
      trigger: pick(r, TRIGGERS),
      ...(chance(r, 0.5) ? { timeout: pick(r, ['5s', 100, '1 parsec', '{{ n }}']) } : {}),
      ...(chance(r, 0.4) ? { weight: typed(r, [0, 5, -1, '{{ n }}']), args: typed(r, [{ url: 'http://x' }, { duration: '{{ n }}ms' }, {}]) } : {}),
    };
  if (chance(r, 0.3))
    o.for = chance(r, 0.5)
      ? { range: pick(r, [0, 2, 3, '{{ range(0, n) }}', '{{ n }}', '{{ items }}', -1, 'x', [1, 2]]) }
      : { list: chance(r, 0.5) ? [scalar(r), scalar(r)] : pick(r, ['{{ items }}', '{{ n }}']), var: typed(r, ['it', 'x']) };
  if (chance(r, 0.2)) o.enabled = pick(r, [true, false, '{{ flag }}', '{{ n }}', 'yes', '{{ it > 0 }}']);
  if (chance(r, 0.15)) o.vars = { n: scalar(r), [pick(r, ['m', 'name', 'k'])]: scalar(r) };
  if (chance(r, 0.15)) o.constraints = { zone: typed(r, ['up', '{{ name }}', 1]) };
  if (chance(r, 0.2)) o.bind = channelList(r, 'bind');
  if (chance(r, 0.2)) o.connect = channelList(r, 'connect');
  if (chance(r, 0.1)) o.nmin = typed(r, [0, 1, '{{ n }}']);
  if (chance(r, 0.1)) o.critical = typed(r, [true, false, '{{ flag }}']);
  if (chance(r, noise / 10)) o[pick(r, ['bogus', 'taks', '__proto__'])] = scalar(r);
  return o;
}

export function genWorkflow(r: Rand, includes: string[], classes: string[], caseNoise = 0.3): Record<string, unknown> {
  noise = caseNoise;
  const vars: Record<string, unknown> = {};
  if (chance(r, 0.9)) vars.n = chance(r, 0.8) ? { type: 'int', default: int(r, 0, 4) } : scalar(r);
  if (chance(r, 0.8)) vars.flag = { type: pick(r, ['bool', 'bool', 'string', 'int']), default: scalar(r) };
  if (chance(r, 0.7)) vars.name = { type: 'string', default: pick(r, ['a', '{{ baton.root }}', 'x{{ n }}']) };
  if (chance(r, 0.6)) vars.items = { type: 'list', default: [scalar(r), scalar(r)] };
  if (chance(r, 0.2)) vars.mode = { type: 'enum', values: chance(r, 0.8) ? ['a', 'b'] : [], default: pick(r, ['a', 'c']), min: chance(r, 0.2) ? 1 : undefined };
  if (chance(r, noise / 6)) vars[pick(r, ['baton', 'repo', 'in', '9x'])] = 1;
  const w: Record<string, unknown> = { name: 'fz', vars, roles: Array.from({ length: int(r, 0, 4) }, () => role(r, 0, includes, classes)) };
  if (chance(r, noise / 6)) delete w.roles;
  if (chance(r, noise / 6)) w.extra = 1;
  return w;
}

export function genClass(r: Rand, caseNoise = 0.3): Record<string, unknown> {
  noise = caseNoise;
  const c: Record<string, unknown> = {};
  if (!chance(r, noise / 3)) c.command = !chance(r, noise) ? pick(r, ['/bin/true', '{{ baton.node }}']) : pick(r, ['{{ nope }}', scalar(r)]);
  if (chance(r, 0.5)) c.args = Array.from({ length: int(r, 0, 3) }, () => typed(r, ['-v', '{{ n }}', '{{ items }}', 3]));
  if (chance(r, 0.6)) c.control = chance(r, noise / 3) ? 'other' : pick(r, ['controlled', 'basic']);
  if (chance(r, 0.3)) c.driver = chance(r, noise / 3) ? 'docker' : pick(r, ['process', 'sim']);
  if (chance(r, 0.3)) c.defaults = { n: scalar(r), d: scalar(r) };
  if (chance(r, 0.3)) c.properties = { p: scalar(r), q: value(r) };
  if (chance(r, 0.2)) c.env = { E: scalar(r) };
  if (chance(r, 0.2)) c.wants = { cpu: typed(r, [0.5, 2, '{{ n }}']), memory: typed(r, ['512Mi', 10, '{{ n }}']) };
  if (chance(r, 0.2))
    c.sim = { delay: typed(r, [0, '5ms', '{{ n }}']), fail_rate: typed(r, [0, 0.5, '{{ 0.1 }}']), fail_on: typed(r, ['START', 'CONFIGURE', '']) };
  if (chance(r, 0.2)) c.kill = { term: typed(r, ['1s', 500, '{{ n }}s']) };
  if (chance(r, 0.2)) c.cleanup = { files: [typed(r, ['/tmp/x', '/tmp/{{ name }}'])], shm: [typed(r, ['seg', 'a/b', ''])] };
  if (chance(r, 0.3)) c.bind = channelList(r, 'bind');
  if (chance(r, 0.2)) c.connect = channelList(r, 'connect');
  if (chance(r, noise / 10)) c.colour = 'blue';
  return c;
}

const TOKENS = ['{{', '}}', ':', '- ', '[', ']', '{', '}', '"', "'", '&a ', '*a', '\n', '  ', '\t', '#', '|', '>', '!!int ', '~', '%', '@', '? ', ','];

/** A random edit of a YAML text: delete, duplicate, swap or re-indent lines, insert tokens, cut. */
export function mutate(r: Rand, text: string): string {
  let t = text;
  for (let k = int(r, 1, 3); k > 0; k--) {
    const lines = t.split('\n');
    const i = int(r, 0, Math.max(0, lines.length - 1));
    switch (int(r, 0, 7)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[i] ?? '');
        break;
      case 2: {
        const j = int(r, 0, lines.length - 1);
        [lines[i], lines[j]] = [lines[j], lines[i]];
        break;
      }
      case 3:
        lines[i] = (chance(r, 0.5) ? '  ' : '') + (lines[i] ?? '').replace(/^ {2}/, chance(r, 0.5) ? '' : '    ');
        break;
      case 4: {
        const s = lines[i] ?? '';
        const p = int(r, 0, s.length);
        lines[i] = s.slice(0, p) + pick(r, TOKENS) + s.slice(p);
        break;
      }
      case 5: {
        const s = lines[i] ?? '';
        const p = int(r, 0, s.length);
        lines[i] = s.slice(0, p) + s.slice(p + int(r, 1, 6));
        break;
      }
      case 6:
        return lines.join('\n').slice(0, int(r, 0, t.length));
      default:
        lines[i] = (lines[i] ?? '').replace(/\d+/, String(pick(r, [0, -1, 99, 100000, 3.5])));
    }
    t = lines.join('\n');
  }
  return t;
}

/** The real template files the mutations start from. */
export function seedTexts(dirs: string[]): { kind: 'workflows' | 'tasks'; text: string }[] {
  const out: { kind: 'workflows' | 'tasks'; text: string }[] = [];
  for (const d of dirs) {
    for (const kind of ['workflows', 'tasks'] as const) {
      const dir = path.join(d, kind);
      if (!fs.existsSync(dir)) continue;
      for (const f of fs.readdirSync(dir).sort()) out.push({ kind, text: fs.readFileSync(path.join(dir, f), 'utf8') });
    }
  }
  return out;
}

/** Documents that attack the parser itself. */
export const NASTY: string[] = [
  // billion laughs
  'a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nroles: *g\n',
  'roles: &r\n  - name: a\n    roles: *r\n',
  `roles:\n${'  '.repeat(1)}- name: a\n` +
    Array.from({ length: 300 }, (_x, i) => `${'  '.repeat(i + 2)}roles:\n${'  '.repeat(i + 2)}- name: a${i}`).join('\n') +
    '\n',
  '['.repeat(5000),
  `roles: [${'{'.repeat(2000)}`,
  'roles:\n  - name: "{{ ' + '('.repeat(500) + '1' + ')'.repeat(500) + ' }}"\n    task: {class: c}\n',
  'roles:\n  - name: a-{{ it }}\n    for: {range: "{{ range(0, 100000000) }}"}\n    task: {class: c}\n',
  'roles:\n  - name: a-{{ it }}\n    for: {range: "{{ range(0, 1000000) }}"}\n    roles:\n      - name: b-{{ it }}\n        for: {range: 1000000}\n        task: {class: c}\n',
  '--- \nroles: []\n---\nroles: []\n',
  '\ufeffroles: []\n',
  'roles: !!binary aGVsbG8=\n',
  '? [a, b]\n: c\nroles: []\n',
  "roles:\n  - name: x\n    task: {class: c, properties: {k: \"{{ 'a'.matches('(a+)+$') }}\"}}\n",
];
