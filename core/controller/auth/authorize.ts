// Authorization: the caller's role against the method's rule, then the environment hold.
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import { requireHold } from '../locks/hold.js';
import { type Caller, roleAtLeast } from './caller.js';
import { type Method, RULES } from './rules.js';

export function authorize(controller: ControllerCore, method: Method, request: unknown, caller: Caller): void {
  const rule = RULES[method];
  if (!roleAtLeast(caller.role, rule.role)) {
    throw new BatonError('PERMISSION_DENIED', `${method} needs the ${rule.role} role; ${caller.user} is ${caller.role}`);
  }
  if (rule.heldEnvironment) requireHold(controller, rule.heldEnvironment(request as never), caller);
}
