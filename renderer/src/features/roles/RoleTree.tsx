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

/** depth-first, the root itself left out (it is the environment) */
export function flattenRoles(root: Role | undefined): Line[] {
  const out: Line[] = [];
  const walk = (r: Role, parent: Role | null, depth: number) => {
    out.push({ role: r, parent, depth });
    for (const c of r.children) walk(c, r, depth + 1);
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
        {lines.map(({ role, parent, depth }) => {
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
