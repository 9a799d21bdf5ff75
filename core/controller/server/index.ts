// The gRPC server: the Control service and server reflection (reflection.ts: protoc's descriptors).
import * as grpc from '@grpc/grpc-js';
import { ControlService, type ControlServer } from '../../rpc/gen/control.js';
import type { ControllerCore } from '../core.js';
import type { AgentPool } from '../agents/pool.js';
import { environmentHandlers } from './environments.js';
import { taskHandlers } from './tasks.js';
import { nodeHandlers } from './nodes.js';
import { maintenanceHandlers } from '../inventory/handlers.js';
import { templateHandlers } from './templates.js';
import { infoHandlers } from './info.js';
import { roleHandlers } from '../exclude/handlers.js';
import { holdHandlers } from '../locks/handlers.js';
import { auditHandlers } from '../audit/handlers.js';
import { runRecordHandlers } from '../run-record/handlers.js';
import { eventQueryHandlers } from '../events/query.js';
import { historyHandlers } from '../history/handlers.js';
import { addReflection, DESCRIPTOR_SET } from './reflection.js';
import { withLimits } from './limited.js';
import { withGuard } from './guard.js';
import { authenticate } from '../auth/authenticate.js';
import { userHandlers } from './users.js';
import { MAX_REQUEST_BYTES } from './limits.js';
import { passEncodedReplies } from './encoded.js';

const MAX_MSG = 512 * 1024 * 1024;

export function controlServer(controller: ControllerCore, pool: AgentPool): ControlServer {
  return withLimits(
    controller,
    withGuard(controller, {
      ...infoHandlers(controller),
      ...environmentHandlers(controller),
      ...taskHandlers(controller),
      ...nodeHandlers(controller, pool),
      ...maintenanceHandlers(controller),
      ...templateHandlers(controller),
      ...roleHandlers(controller),
      ...userHandlers(controller),
      ...holdHandlers(controller),
      ...auditHandlers(controller),
      ...runRecordHandlers(controller),
      ...eventQueryHandlers(controller),
      ...historyHandlers(controller),
    }),
  );
}

/** the options of every Control server (a fail-over cluster's follower's too: the leader takes
 *  its bound server over, controller/cluster/) */
export const CONTROL_SERVER_OPTIONS: grpc.ServerOptions = {
  // GetEnvironment(with_tasks) of a 150k-task environment is tens of MB
  'grpc.max_send_message_length': MAX_MSG,
  // the largest valid request is about 2 MiB (limits.ts: 1 MiB of vars, 1 MiB of template);
  // a larger one is refused before it is decoded, which would hold the event loop (50 MB: ~400 ms)
  'grpc.max_receive_message_length': MAX_REQUEST_BYTES,
};

export function createServer(controller: ControllerCore, pool: AgentPool): grpc.Server {
  const server = new grpc.Server(CONTROL_SERVER_OPTIONS);
  addControlServices(server, controller, pool);
  return server;
}

/** Control (and reflection) on `server`, which may be bound and serving already. */
export function addControlServices(server: grpc.Server, controller: ControllerCore, pool: AgentPool): void {
  server.addService(passEncodedReplies(ControlService), controlServer(controller, pool));
  if (!addReflection(server, (call) => authenticate(controller, call))) {
    console.error(`baton controller: ${DESCRIPTOR_SET} not found (npm run build copies it): gRPC server reflection is off`);
  }
}

export function bind(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}
