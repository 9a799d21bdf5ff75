// The chaos stack's template repo: the shipped daq-chain (every role pinned to the daq agents, so
// the faults of one environment's loop never touch another's tasks) and a plain-process workflow
// (basic /bin/sleep tasks and one controlled task that is slow to answer). Both carry hooks that
// fail on demand: each checks for a flag file named after it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';

/** hooks that fail when the file <flags>/<env id>-<hook name> exists; one per trigger */
export const HOOK_TRIGGERS = [
  'before_CONFIGURE',
  'after_CONFIGURE',
  'before_START_ACTIVITY',
  'after_START_ACTIVITY',
  'before_STOP_ACTIVITY',
  'after_STOP_ACTIVITY',
] as const;
export type HookTrigger = (typeof HOOK_TRIGGERS)[number];

export function hookName(trigger: HookTrigger): string {
  return `chaos-${trigger.replace(/_/g, '-').toLowerCase()}`;
}

function hookRoles(flagsDir: string): object[] {
  return HOOK_TRIGGERS.map((trigger) => ({
    name: hookName(trigger),
    call: {
      func: 'exec',
      // ${env_id} is the hook's own substitution, at the call
      args: { command: `test ! -e ${path.join(flagsDir, '${env_id}-')}${hookName(trigger)}` },
      trigger,
      timeout: '5s',
      critical: true,
    },
  }));
}

interface Role {
  name: string;
  task?: object;
  constraints?: Record<string, string>;
}

/** the shipped daq-chain, its task roles constrained to pool=daq, plus the failing hooks */
function daqChain(root: string, flagsDir: string): string {
  const doc = parse(fs.readFileSync(path.join(root, 'assets', 'workflows', 'daq-chain.yaml'), 'utf8')) as { roles: Role[] };
  for (const role of doc.roles) {
    if (role.task) role.constraints = { ...(role.constraints ?? {}), pool: 'daq' };
  }
  doc.roles.push(...(hookRoles(flagsDir) as Role[]));
  return stringify(doc);
}

function plain(flagsDir: string): string {
  return stringify({
    name: 'chaos-plain',
    description: 'Plain processes (/bin/sleep as basic tasks) and one controlled task slow to answer.',
    vars: { slow_ms: { type: 'int', default: 0, min: 0, max: 60000 }, pool: { type: 'string', default: 'plain-1' } },
    roles: [
      { name: 'sleep-a', constraints: { pool: '{{ pool }}' }, task: { class: 'sleeper', critical: true } },
      { name: 'sleep-b', constraints: { pool: '{{ pool }}' }, task: { class: 'sleeper', critical: true } },
      {
        name: 'slow',
        constraints: { pool: '{{ pool }}' },
        task: { class: 'demo', critical: true, properties: { delay_ms: '{{ slow_ms }}' } },
      },
      ...hookRoles(flagsDir),
    ],
  });
}

/** writes the repo under home; returns its path */
export function writeRepo(home: string, root: string, flagsDir: string): string {
  const repo = path.join(home, 'repo');
  fs.mkdirSync(path.join(repo, 'workflows'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'tasks'), { recursive: true });
  for (const f of fs.readdirSync(path.join(root, 'assets', 'tasks'))) fs.copyFileSync(path.join(root, 'assets', 'tasks', f), path.join(repo, 'tasks', f));
  fs.writeFileSync(path.join(repo, 'workflows', 'daq-chain.yaml'), daqChain(root, flagsDir));
  fs.writeFileSync(path.join(repo, 'workflows', 'chaos-plain.yaml'), plain(flagsDir));
  return repo;
}
