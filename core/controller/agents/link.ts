// One agent session: the controller dials the agent, opens the Session stream, says Welcome and
// waits for the Hello. A broken stream is reported at once (its tasks are lost) and the agent is
// re-dialled with a backoff until it comes back or is removed. An agent that belongs to another
// controller refuses the session (ALREADY_OWNED): that is said once and re-tried only slowly.
import * as grpc from '@grpc/grpc-js';
import { AgentClient, type AgentMsg, type ControllerMsg, type Hello } from '../../rpc/gen/agent.js';
import { tokenInterceptor } from '../../rpc/auth.js';
import { parseAddress } from '../../rpc/address.js';
import { channelCredentials, type TlsPem } from '../../rpc/tls.js';
import { fromServiceError } from '../../rpc/errors.js';
import type { ErrorDetailLike } from '../../model/errors.js';

export interface LinkHandler {
  hello(link: AgentLink, hello: Hello): void;
  message(link: AgentLink, msg: AgentMsg): void;
  down(link: AgentLink, reason: string): void;
  /** the agent belongs to another controller (detail.data.owner) and refused the session */
  refused(link: AgentLink, detail: ErrorDetailLike): void;
}

export interface LinkOptions {
  token?: string;
  /** the controller's certificate for agents at tcp addresses (mutual TLS) */
  tls?: TlsPem;
  controllerId: string;
  handler: LinkHandler;
}

const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 3000;
/** an agent that refused us (it belongs to another controller) is asked again this seldom: no
 *  reconnect storm, yet a takeover elsewhere or an owner change is noticed */
export const REFUSED_RETRY_MS = 30_000;
const MAX_MSG = 256 * 1024 * 1024;

export const AGENT_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MSG,
  'grpc.max_send_message_length': MAX_MSG,
  // grpc-js' own reconnect backoff would otherwise grow to minutes for an agent that was down
  'grpc.initial_reconnect_backoff_ms': BACKOFF_MIN_MS,
  'grpc.max_reconnect_backoff_ms': BACKOFF_MAX_MS,
};

export class AgentLink {
  /** the Hello was received on the current stream */
  up = false;
  /** the name this agent is known by ('' until its Hello when dialled by address only) */
  name: string;
  lastSeenMs = 0;
  lastDownReason = '';
  /** the next Welcome takes the agent over from the controller it belongs to (AddNode take_over) */
  takeOver = false;
  /** the agent's last refusal ('' while it accepts us) */
  refusal = '';
  private client: AgentClient | null = null;
  private call: grpc.ClientDuplexStream<ControllerMsg, AgentMsg> | null = null;
  private backoff = BACKOFF_MIN_MS;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    readonly address: string,
    name: string,
    private readonly opts: LinkOptions,
  ) {
    this.name = name;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Stops dialling and closes the session (tasks on the agent keep running). */
  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.breakSession('controller stopped dialling the agent');
    this.client?.close();
    this.client = null;
  }

  /** Writes one message down the session; false when the agent is not connected. */
  send(msg: ControllerMsg): boolean {
    if (!this.call || !this.up) return false;
    this.call.write(msg);
    return true;
  }

  /** Ends the current session as broken (e.g. no heartbeat): the agent is down until it says Hello again. */
  breakSession(reason: string): void {
    const call = this.call;
    if (!call) return;
    this.call = null;
    call.removeAllListeners();
    call.on('error', () => {});
    call.cancel();
    this.lost(reason);
  }

  /** a grpc client for one-off calls (TaskLogs); null while the agent is not dialled */
  rpc(): AgentClient | null {
    return this.client;
  }

  private connect(): void {
    if (this.stopped) return;
    try {
      if (!this.client) {
        const addr = parseAddress(this.address, 'agent address');
        this.client = new AgentClient(addr.grpc, channelCredentials(addr, this.opts.tls, 'agent address'), {
          ...AGENT_CHANNEL_OPTIONS,
          interceptors: this.opts.token ? [tokenInterceptor(this.opts.token)] : [],
        });
      }
    } catch (e) {
      this.lastDownReason = (e as Error).message;
      this.scheduleRetry();
      return;
    }
    // wait for the channel rather than fail fast while grpc-js is in its reconnect backoff: else
    // this link's own backoff and the channel's must meet, and an agent back after 1 s was
    // re-joined 6-9 s after it went (past a short agent-loss grace)
    const call = this.client.session(new grpc.Metadata({ waitForReady: true }));
    this.call = call;
    call.on('data', (m: AgentMsg) => {
      if (this.call !== call) return;
      this.lastSeenMs = Date.now();
      try {
        if (m.msg?.$case === 'hello') {
          this.up = true;
          this.refusal = '';
          this.takeOver = false; // done: the agent is ours now
          this.backoff = BACKOFF_MIN_MS;
          this.opts.handler.hello(this, m.msg.hello);
          return;
        }
        if (this.up) this.opts.handler.message(this, m);
      } catch (e) {
        // nothing an agent sends may crash the controller
        console.error(`baton controller: handling a message of agent ${this.name || this.address} failed: ${(e as Error).stack}`);
      }
    });
    const end = (reason: string) => {
      if (this.call !== call) return;
      this.call = null;
      call.removeAllListeners();
      call.on('error', () => {});
      this.lost(reason);
    };
    call.on('error', (e: grpc.ServiceError) => {
      const be = fromServiceError(e);
      // refused, not broken: the agent belongs to another controller, or refuses this controller's
      // certificate (core/agent/peer.ts): said once on the node, re-tried only slowly
      if ((be.code !== 'ALREADY_OWNED' && be.code !== 'PERMISSION_DENIED') || this.call !== call) return end(e.details || e.message);
      this.call = null;
      call.removeAllListeners();
      call.on('error', () => {});
      this.onRefused(be.detail);
    });
    call.on('end', () => end('the agent closed the session'));
    call.write({
      msg: {
        $case: 'welcome',
        welcome: { controllerId: this.opts.controllerId, node: this.name, takeOver: this.takeOver, batchAnswers: true, batchExits: true },
      },
    });
  }

  /** Dials now, taking the agent over (after an operator's AddNode take_over). */
  takeOverNow(): void {
    this.takeOver = true;
    if (this.up) return; // ours already
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const call = this.call;
    if (call) {
      this.call = null;
      call.removeAllListeners();
      call.on('error', () => {});
      call.cancel();
    }
    this.connect();
  }

  private onRefused(detail: ErrorDetailLike): void {
    const first = this.refusal !== detail.message;
    this.refusal = detail.message;
    this.lastDownReason = detail.message;
    this.takeOver = false;
    const wasUp = this.up;
    this.up = false;
    if (first)
      console.error(`baton controller: agent at ${this.address} refused this controller: ${detail.message}; asking again every ${REFUSED_RETRY_MS / 1000} s`);
    try {
      if (wasUp) this.opts.handler.down(this, detail.message);
      this.opts.handler.refused(this, detail);
    } catch (e) {
      console.error(`baton controller: handling the refusal of agent ${this.name || this.address} failed: ${(e as Error).stack}`);
    }
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect();
    }, REFUSED_RETRY_MS);
    this.retry.unref();
  }

  private lost(reason: string): void {
    this.lastDownReason = reason;
    const wasUp = this.up;
    this.up = false;
    if (wasUp) {
      try {
        this.opts.handler.down(this, reason);
      } catch (e) {
        console.error(`baton controller: handling agent ${this.name || this.address} down failed: ${(e as Error).stack}`);
      }
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retry) return;
    const delay = this.backoff;
    this.backoff = Math.min(BACKOFF_MAX_MS, this.backoff * 2);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect();
    }, delay);
    this.retry.unref();
  }
}
