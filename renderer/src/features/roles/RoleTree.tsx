// The environment's roles as an indented table: kind, aggregated state, critical / excluded /
// nmin, and the Exclude or Include button of each role (roleRules.ts decides which and whether).
import type { Role } from '../../../../core/rpc/gen/control.js';
import { StateChip } from '../../ui/StateChip.js';
import { RoleActionButton } from './RoleActionButton.js';
import { disabledInWorkflow, roleAction, type RoleAction } from './roleRules.js';

interface Line {
  role: Role;
  parent: Role | null;
  depth: number;
}

/** a container's children past this many are summed up in one line, not listed */
export const ROLE_CHILDREN_LISTED = 20;

/** depth-first, the root itself left out (it is the environment); a container's children past
 * `limit` become one `more` line: a farm of 150,000 tasks is not 150,000 rows with a button each
 * (the Tasks tab and the graph's collection list them all, paged) */
export function flattenRoles(root: Role | undefined, limit = ROLE_CHILDREN_LISTED): (Line | { more: number; parent: Role; depth: number })[] {
  const out: (Line | { more: number; parent: Role; depth: number })[] = [];
  const walk = (r: Role, parent: Role | null, depth: number) => {
    out.push({ role: r, parent, depth });
    r.children.slice(0, limit).forEach((c) => walk(c, r, depth + 1));
    if (r.children.length > limit) out.push({ more: r.children.length - limit, parent: r, depth: depth + 1 });
    // a container the controller sent collapsed (too many tasks to send as roles): its count only
    else if (!r.children.length && r.leaves) out.push({ more: r.leaves, parent: r, depth: depth + 1 });
  };
  if (root) for (const c of root.children) walk(c, root.path ? root : null, 0);
  return out;
}

export function RoleTree({
  root,
  envState,
  runNumber,
  busy,
  onAction,
}: {
  root: Role | undefined;
  envState: string;
  runNumber?: number;
  busy: boolean;
  onAction(action: RoleAction, role: string): void;
}) {
  const lines = flattenRoles(root);
  if (!lines.length) return <p className="muted">No roles loaded yet.</p>;
  return (
    <table className="grid compact role-tree">
      <caption className="sr-only">Roles</caption>
      <thead>
        <tr>
          <th scope="col">Role</th>
          <th scope="col">Kind</th>
          <th scope="col">State</th>
          <th scope="col">Action</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => {
          if ('more' in line) {
            return (
              <tr key={`${line.parent.path}/…`} className="muted">
                <td colSpan={4} style={{ paddingLeft: `${0.5 + line.depth * 1.25}rem` }}>
                  … and {line.more.toLocaleString('en')} more in {line.parent.name || line.parent.path} (the Tasks tab lists them all)
                </td>
              </tr>
            );
          }
          const { role, parent, depth } = line;
          const act = roleAction(role, parent, envState, busy);
          const disabled = disabledInWorkflow(role);
          return (
            <tr key={role.path} className={role.included || disabled ? undefined : 'excluded'}>
              <th scope="row" style={{ paddingLeft: `${0.5 + depth * 1.25}rem` }}>
                <span className="mono">{role.name}</span>
                {role.critical ? <span className="badge">critical</span> : null}
                {role.kind === 'iterator' && role.nmin > 0 ? <span className="badge">nmin {role.nmin}</span> : null}
                {disabled ? <span className="badge">disabled in the workflow</span> : null}
                {!role.included && !disabled ? <span className="badge warn">excluded</span> : null}
              </th>
              <td className="muted">{role.kind}</td>
              <td>{role.kind === 'call' || disabled ? '–' : <StateChip state={role.included ? role.state : 'EXCLUDED'} />}</td>
              <td>
                {act ? (
                  <RoleActionButton
                    role={role.path}
                    state={act}
                    envState={envState}
                    runNumber={runNumber}
                    onConfirm={(action) => onAction(action, role.path)}
                  />
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
