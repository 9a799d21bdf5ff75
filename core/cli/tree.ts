// The role tree of an environment as text: aggregated state per role, and for task roles the
// task's node, pid and whether it is critical.
import type { Role, Task } from '../rpc/gen/control.js';
import { table } from './output.js';

export function renderRoleTree(root: Role, tasks: Task[]): string {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const rows: string[][] = [];
  const walk = (r: Role, prefix: string, childPrefix: string) => {
    const t = r.taskId ? byId.get(r.taskId) : undefined;
    const flags = [r.critical ? 'critical' : '', r.included ? '' : 'excluded', t?.lost ? 'LOST' : '',
      r.nmin ? `nmin ${r.nmin}` : ''].filter(Boolean).join(',');
    rows.push([
      prefix + (r.name || r.path || '(root)'),
      t ? t.state : r.state,
      flags || '-',
      t ? t.node || '-' : '',
      t && t.pid > 0 ? String(t.pid) : '',
      t?.exit?.exited ? (t.exit.signal || `exit ${t.exit.code}`) : '',
    ]);
    r.children.forEach((c, i) => {
      const last = i === r.children.length - 1;
      walk(c, childPrefix + (last ? '└─ ' : '├─ '), childPrefix + (last ? '   ' : '│  '));
    });
  };
  walk(root, '', '');
  return table(['ROLE', 'STATE', 'FLAGS', 'NODE', 'PID', 'EXIT'], rows);
}

export function renderTaskTable(tasks: Task[]): string {
  return table(
    ['TASK', 'STATE', 'NODE', 'PID', 'CRITICAL', 'CLASS'],
    tasks.map((t) => [t.id, t.lost ? `${t.state} (lost)` : t.state, t.node || '-', t.pid > 0 ? t.pid : '-', t.critical ? 'yes' : 'no', t.className || '-']),
  );
}
