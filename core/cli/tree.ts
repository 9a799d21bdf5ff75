// The role tree of an environment as text: aggregated state per role, and for task roles the
// task's node, pid and whether it is critical.
import type { Role, Task } from '../rpc/gen/control.js';
import { table } from './output.js';

const MAX_CHILDREN = 30;
const SHOWN_CHILDREN = 10;

export function renderRoleTree(root: Role, tasks: Task[]): string {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const rows: string[][] = [];
  const walk = (r: Role, prefix: string, childPrefix: string) => {
    const t = r.taskId ? byId.get(r.taskId) : undefined;
    const flags = [r.critical ? 'critical' : '', r.included ? '' : 'excluded', t?.lost ? 'LOST' : '', r.nmin ? `nmin ${r.nmin}` : ''].filter(Boolean).join(',');
    rows.push([
      prefix + (r.name || r.path || '(root)'),
      t ? t.state : r.state,
      flags || '-',
      t ? t.node || '-' : '',
      t && t.pid > 0 ? String(t.pid) : '',
      t?.exit?.exited ? t.exit.signal || `exit ${t.exit.code}` : '',
    ]);
    // a big iterator shows its first children and a summary of the rest
    const kids = r.children.length > MAX_CHILDREN ? r.children.slice(0, SHOWN_CHILDREN) : r.children;
    const rest = r.children.slice(kids.length);
    kids.forEach((c, i) => {
      const last = i === kids.length - 1 && !rest.length;
      walk(c, childPrefix + (last ? '└─ ' : '├─ '), childPrefix + (last ? '   ' : '│  '));
    });
    if (rest.length) {
      const states = new Map<string, number>();
      for (const c of rest) {
        const s = (c.taskId ? byId.get(c.taskId)?.state : undefined) ?? c.state;
        states.set(s, (states.get(s) ?? 0) + 1);
      }
      rows.push([`${childPrefix}└─ ... ${rest.length} more`, [...states].map(([s, n]) => `${s} ${n}`).join(', '), '', '', '', '']);
    }
  };
  walk(root, '', '');
  return table(['ROLE', 'STATE', 'FLAGS', 'NODE', 'PID', 'EXIT'], rows);
}

export function renderTaskTable(tasks: Task[]): string {
  const shown = tasks.slice(0, 200);
  return (
    table(
      ['TASK', 'STATE', 'NODE', 'PID', 'CRITICAL', 'CLASS'],
      shown.map((t) => [t.id, t.lost ? `${t.state} (lost)` : t.state, t.node || '-', t.pid > 0 ? t.pid : '-', t.critical ? 'yes' : 'no', t.className || '-']),
    ) + (tasks.length > shown.length ? `\n... ${tasks.length - shown.length} more (baton task list --env <id>)` : '')
  );
}
