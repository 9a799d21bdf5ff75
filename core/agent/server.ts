// The Agent gRPC service: Session (one controller at a time), TaskLogs, Health. Every call is
// checked against the token; non-loopback addresses need TLS (mutual: the controller presents a
// certificate signed by the CA, and it must be a controller's: peer.ts).
import * as grpc from '@grpc/grpc-js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { searchLogs, type SearchedFile } from './logs/search.js';
import {
  AgentService,
  type AgentSearchLogsReply,
  type AgentSearchLogsRequest,
  type AgentMsg,
  type AgentTaskLogsRequest,
  type ControllerMsg,
  type HealthReply,
  type HealthRequest,
} from '../rpc/gen/agent.js';
import type { LogChunk } from '../rpc/gen/common.js';
import { checkToken } from '../rpc/auth.js';
import { toServiceError } from '../rpc/errors.js';
import { serverCredentials } from '../rpc/tls.js';
import { BatonError } from '../model/errors.js';
import type { Agent, SessionLike } from './agent.js';
import type { ResolvedOptions } from './options.js';
import { controllerRefusal } from './peer.js';

function unauthenticated(): grpc.ServiceError {
  return toServiceError(new BatonError('UNAUTHENTICATED', 'missing or wrong token'));
}

class Session implements SessionLike {
  private closed = false;
  constructor(private readonly call: grpc.ServerDuplexStream<ControllerMsg, AgentMsg>) {}
  write(msg: AgentMsg): void {
    if (this.closed || this.call.cancelled || this.call.destroyed) return;
    try {
      this.call.write(msg);
    } catch {
      this.closed = true;
    }
  }
  end(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.call.end();
    } catch {
      /* gone */
    }
  }
}

function serviceImpl(agent: Agent, options: ResolvedOptions): grpc.UntypedServiceImplementation {
  return {
    session(call: grpc.ServerDuplexStream<ControllerMsg, AgentMsg>) {
      if (!checkToken(call.metadata, options.token)) return void call.emit('error', unauthenticated());
      const refused = controllerRefusal(call, options);
      if (refused) {
        console.error(`agent ${options.name}: session refused: ${refused.message}`);
        return void call.emit('error', toServiceError(refused));
      }
      const s = new Session(call);
      const gone = () => {
        agent.detach(s);
        s.end();
      };
      call.on('data', (m: ControllerMsg) => {
        if (m.msg?.$case === 'welcome') {
          try {
            agent.welcome(s, m.msg.welcome);
          } catch (e) {
            // another controller's session (or a bad Welcome): refused with the reason, while the
            // owner's session goes on
            console.error(`agent ${options.name}: session refused: ${(e as Error).message}`);
            call.emit('error', toServiceError(e));
          }
          return;
        }
        if (!agent.isCurrent(s)) return;
        try {
          agent.handle(m);
        } catch (e) {
          console.error(`agent ${options.name}: bad controller message: ${(e as Error).message}`);
        }
      });
      call.on('end', gone);
      call.on('error', gone);
      call.on('cancelled', gone);
      call.on('close', gone);
    },

    taskLogs(call: grpc.ServerWritableStream<AgentTaskLogsRequest, LogChunk>) {
      if (!checkToken(call.metadata, options.token)) return void call.emit('error', unauthenticated());
      const refused = controllerRefusal(call, options);
      if (refused) return void call.emit('error', toServiceError(refused));
      const req = call.request;
      const d = agent.find(req.taskId);
      if (!d) {
        return void call.emit(
          'error',
          toServiceError(new BatonError('NOT_FOUND', `no task ${req.taskId} on node ${options.name}`, { taskId: req.taskId, node: options.name })),
        );
      }
      const cancelled = new Promise<void>((r) => {
        call.on('cancelled', () => r());
        call.on('close', () => r());
      });
      d.logs(req.taskId, {
        tail: req.tail,
        follow: req.follow,
        grep: req.grep,
        regex: req.regex,
        sinceMs: req.sinceMs,
        hasFrom: req.hasFrom,
        fromPosition: req.fromPosition,
        toPosition: req.toPosition,
        limit: req.limit,
        afterMarkerMs: req.afterMarkerMs,
        cancelled,
        send: (lines, offset, eof, extra) => {
          if (call.cancelled || call.destroyed) return false;
          call.write({
            lines,
            offset,
            eof,
            entries: extra?.entries ?? [],
            firstPosition: extra?.first ?? 0,
            endPosition: extra?.end ?? 0,
            truncated: extra?.truncated ?? false,
          });
          return true;
        },
      }).then(
        () => {
          if (!call.cancelled) call.end();
        },
        (e) => {
          if (!call.cancelled) call.emit('error', toServiceError(e));
        },
      );
    },

    searchLogs(call: grpc.ServerUnaryCall<AgentSearchLogsRequest, AgentSearchLogsReply>, cb: grpc.sendUnaryData<AgentSearchLogsReply>) {
      if (!checkToken(call.metadata, options.token)) return cb(unauthenticated());
      const refused = controllerRefusal(call, options);
      if (refused) return cb(toServiceError(refused));
      try {
        const files: SearchedFile[] = [];
        const missing: string[] = [];
        for (const id of call.request.taskIds) {
          const f = agent.find(id)?.logFile?.(id);
          if (f) files.push({ taskId: id, ...f });
          else missing.push(id);
        }
        cb(null, searchLogs(files, missing, call.request));
      } catch (e) {
        cb(toServiceError(e));
      }
    },

    health(call: grpc.ServerUnaryCall<HealthRequest, HealthReply>, cb: grpc.sendUnaryData<HealthReply>) {
      if (!checkToken(call.metadata, options.token)) return cb(unauthenticated());
      const refused = controllerRefusal(call, options);
      if (refused) return cb(toServiceError(refused));
      cb(null, { node: options.name, ok: true, tasks: agent.taskCount(), pid: process.pid });
    },
  };
}

export interface Served {
  server: grpc.Server;
  address: string;
  stop(): void;
}

export async function serve(agent: Agent, options: ResolvedOptions): Promise<Served> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 64 * 1024 * 1024,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    // No HTTP/2 keepalive pings: the agent sends a heartbeat every second on the session, and the
    // controller judges the session by them (its own busy stretches credited: controller/agents/
    // pool.ts). A ping found nothing more, and its timeout dropped healthy sessions: a controller
    // whose thread is held for seconds (a 1M-task create's decode, large batches on a loaded
    // machine) answers no ping, and an agent process held as long runs the ping's timer before it
    // reads the answer waiting in its socket. A controller that vanished is replaced by the next
    // Welcome (agent.ts attach).
  });
  server.addService(AgentService, serviceImpl(agent, options));
  const creds = serverCredentials(options.listen, options.tls);
  const l = options.listen;
  if (l.kind === 'unix') {
    fs.mkdirSync(path.dirname(l.path!), { recursive: true });
    try {
      fs.unlinkSync(l.path!); // a stale socket of an agent that died
    } catch {
      /* none */
    }
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(l.grpc, creds, (err, p) =>
      err ? reject(new BatonError('UNAVAILABLE', `agent ${options.name} cannot listen on ${l.grpc}: ${err.message}`, { where: 'listen' })) : resolve(p),
    ),
  );
  const address = l.kind === 'unix' ? `unix://${l.path}` : `${l.host}:${port}`;
  return {
    server,
    address,
    stop() {
      server.forceShutdown();
      if (l.kind === 'unix') {
        try {
          fs.unlinkSync(l.path!);
        } catch {
          /* gone */
        }
      }
    },
  };
}
