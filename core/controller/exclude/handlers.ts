// Control RPCs ExcludeRole and IncludeRole (the work is in index.ts).
import type { ControlServer, Environment, RoleRequest } from '../../rpc/gen/control.js';
import type { ControllerCore } from '../core.js';
import { envToProto } from '../convert.js';
import { unary } from '../server/wrap.js';
import { excludeRole, includeRole } from './index.js';

export function roleHandlers(controller: ControllerCore): Pick<ControlServer, 'excludeRole' | 'includeRole'> {
  return {
    excludeRole: unary<RoleRequest, Environment>(controller, async (req, _call, caller) =>
      envToProto(await excludeRole(controller, req.envId, req.role, req.timeoutMs, caller.user), { withTasks: true, withTree: true }),
    ),
    includeRole: unary<RoleRequest, Environment>(controller, async (req, _call, caller) =>
      envToProto(await includeRole(controller, req.envId, req.role, req.timeoutMs, caller.user), { withTasks: true, withTree: true }),
    ),
  };
}
