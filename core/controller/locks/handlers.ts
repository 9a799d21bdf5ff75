// Control RPCs TakeEnvironment and ReleaseEnvironment (the rules: hold.ts).
import type { ControlServer, Environment, ReleaseEnvironmentRequest, TakeEnvironmentRequest } from '../../rpc/gen/control.js';
import type { ControllerCore } from '../core.js';
import { envToProto } from '../convert.js';
import { unary } from '../server/wrap.js';
import { getEnv } from '../transitions/engine.js';
import { releaseHold, takeHold } from './hold.js';

export function holdHandlers(controller: ControllerCore): Pick<ControlServer, 'takeEnvironment' | 'releaseEnvironment'> {
  return {
    takeEnvironment: unary<TakeEnvironmentRequest, Environment>(controller, (req, _call, caller) => {
      const env = getEnv(controller, req.id);
      takeHold(controller, env, caller, req.reason);
      return envToProto(env);
    }),
    releaseEnvironment: unary<ReleaseEnvironmentRequest, Environment>(controller, (req, _call, caller) => {
      const env = getEnv(controller, req.id);
      releaseHold(controller, env, caller);
      return envToProto(env);
    }),
  };
}
