// Control RPCs on environments: list, create, get, control (streamed progress), destroy.
import type {
  ControlEnvironmentRequest, ControlProgress, ControlServer, CreateEnvironmentRequest, DestroyEnvironmentRequest,
  Environment, GetEnvironmentRequest, ListEnvironmentsReply, ListEnvironmentsRequest,
} from '../../rpc/gen/control.js';
import type { Ctl } from '../core.js';
import { envToProto } from '../convert.js';
import { createEnvironment, destroyEnvironment } from '../environments.js';
import { controlEnvironment, getEnv } from '../transitions/engine.js';
import { serverStream, unary } from './wrap.js';

export function environmentHandlers(ctl: Ctl): Pick<ControlServer,
  'listEnvironments' | 'createEnvironment' | 'getEnvironment' | 'controlEnvironment' | 'destroyEnvironment'> {
  return {
    listEnvironments: unary<ListEnvironmentsRequest, ListEnvironmentsReply>(ctl, () => ({
      environments: [...ctl.envs.values()].map((e) => envToProto(e)),
    })),

    // with its tasks, unless there are very many (a 150k-task reply costs seconds to encode and
    // decode): then counts only, and GetEnvironment/ListTasks give the tasks
    createEnvironment: unary<CreateEnvironmentRequest, Environment>(ctl, async (req) => {
      const env = await createEnvironment(ctl, req);
      return envToProto(env, { withTasks: env.tasks.length <= ctl.cfg.taskEventLimit });
    }),

    getEnvironment: unary<GetEnvironmentRequest, Environment>(ctl, (req) =>
      envToProto(getEnv(ctl, req.id), { withTasks: req.withTasks, withTree: req.withTree })),

    controlEnvironment: serverStream<ControlEnvironmentRequest, ControlProgress>(ctl, async (req, call) => {
      let open = true;
      call.on('cancelled', () => { open = false; });
      // the transition goes on when the client goes away: it owns the environment, not the call
      const final = await controlEnvironment(ctl, req.id, req.transition, {
        timeoutMs: req.timeoutMs, args: req.args,
        onProgress: (p) => { if (open) call.write(p); },
      });
      if (open) {
        call.write(final);
        call.end();
      }
    }),

    destroyEnvironment: unary<DestroyEnvironmentRequest, Environment>(ctl, async (req) =>
      envToProto(await destroyEnvironment(ctl, req.id, req.force))),
  };
}
