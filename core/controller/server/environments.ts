// Control RPCs on environments: list, create, get, control (streamed progress), destroy.
import type {
  ControlEnvironmentRequest,
  ControlProgress,
  ControlServer,
  CreateEnvironmentRequest,
  DestroyEnvironmentRequest,
  Environment,
  GetEnvironmentRequest,
  ListEnvironmentsReply,
  ListEnvironmentsRequest,
} from '../../rpc/gen/control.js';
import type { ControllerCore } from '../core.js';
import { envToProto } from '../convert.js';
import { createEnvironment, destroyEnvironment } from '../environments.js';
import { awaitingReap } from '../pending-reaps.js';
import { controlEnvironment, getEnv } from '../transitions/engine.js';
import { serverStream, unary } from './wrap.js';

export function environmentHandlers(
  controller: ControllerCore,
): Pick<ControlServer, 'listEnvironments' | 'createEnvironment' | 'getEnvironment' | 'controlEnvironment' | 'destroyEnvironment'> {
  return {
    listEnvironments: unary<ListEnvironmentsRequest, ListEnvironmentsReply>(controller, () => ({
      environments: [...controller.envs.values()].map((e) => envToProto(e)),
    })),

    // with its tasks, unless there are very many (a 150k-task reply costs seconds to encode and
    // decode): then counts only, and GetEnvironment/ListTasks give the tasks
    createEnvironment: unary<CreateEnvironmentRequest, Environment>(controller, async (req, _call, caller) => {
      const env = await createEnvironment(controller, req, caller);
      return envToProto(env, { withTasks: env.tasks.length <= controller.cfg.taskEventLimit });
    }),

    // an EXITed environment whose tasks' agent was away lists them as awaiting reaping (exit.ts)
    getEnvironment: unary<GetEnvironmentRequest, Environment>(controller, (req) => {
      const env = getEnv(controller, req.id);
      const awaiting = env.state === 'DONE' ? awaitingReap(controller).filter((x) => x.envId === env.id) : [];
      return { ...envToProto(env, { withTasks: req.withTasks, withTree: req.withTree, treeLeafLimit: req.treeLeafLimit }), awaitingReap: awaiting };
    }),

    controlEnvironment: serverStream<ControlEnvironmentRequest, ControlProgress>(controller, async (req, call, caller) => {
      let open = true;
      call.on('cancelled', () => {
        open = false;
      });
      // the transition goes on when the client goes away: it owns the environment, not the call
      const final = await controlEnvironment(controller, req.id, req.transition, {
        timeoutMs: req.timeoutMs,
        args: req.args,
        by: caller.user,
        onProgress: (p) => {
          if (open) call.write(p);
        },
      });
      if (open) {
        call.write(final);
        call.end();
      }
    }),

    destroyEnvironment: unary<DestroyEnvironmentRequest, Environment>(controller, async (req, _call, caller) => {
      const { env, awaitingReap } = await destroyEnvironment(controller, req.id, req.force, caller.user);
      return { ...envToProto(env), awaitingReap };
    }),
  };
}
