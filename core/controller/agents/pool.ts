// The agents the controller dials (options, stored nodes, AddNode), the dispatch of what they
// send, and the heartbeat watchdog (a fallback: a broken stream is noticed at once).
import type { AgentMsg, Heartbeat, Hello } from '../../rpc/gen/agent.js';
import type { ControllerCore } from '../core.js';
import type { NodeRuntime } from '../nodes.js';
import { AgentLink, type LinkHandler } from './link.js';
import { onHello } from './hello.js';
import { onUpdates } from './updates.js';
import { onBatchAnswers } from './answers.js';
import { noteTaskMetrics } from '../metrics/collections.js';
import { nodeDown } from '../faults.js';
import { nodeSuspect } from './grace.js';
import type { ErrorDetailLike } from '../../model/errors.js';
import { parseAddress } from '../../rpc/address.js';
import { channelCredentials, type TlsPem } from '../../rpc/tls.js';

const WATCH_MS = 250;

function onHeartbeat(controller: ControllerCore, node: NodeRuntime, hb: Heartbeat): void {
  node.lastHeartbeatMs = Date.now();
  node.cpu = hb.cpu;
  node.memUsed = hb.memUsed;
  node.memTotal = hb.memTotal;
  node.load1 = hb.load1;
  node.loopLagMs = hb.loopLagP99Ms;
  for (const m of hb.tasks) {
    const t = controller.tasks.get(m.taskId);
    if (!t) continue;
    t.cpu = m.cpu;
    t.rss = m.rssBytes;
    noteTaskMetrics(t);
    if (m.channels.length) t.counters = m.channels;
  }
}

export class AgentPool implements LinkHandler {
  private watchdog: NodeJS.Timeout | null = null;
  private lastTick = Date.now();

  /** tls: the controller's certificate, key and CA for agents at tcp addresses */
  constructor(
    private readonly controller: ControllerCore,
    private readonly tls?: TlsPem,
  ) {}

  /** Throws a BatonError (naming the address and the missing flags) when this controller cannot
   *  dial address: a network address without TLS configured. */
  checkDialable(address: string): void {
    channelCredentials(parseAddress(address, 'agent address'), this.tls, 'agent address');
  }

  /** Dials an agent (idempotent per address); an address it may not dial throws (checkDialable).
   *  takeOver: the agent is taken over from the controller it belongs to (an operator's AddNode). */
  dial(address: string, name = '', takeOver = false): AgentLink {
    this.checkDialable(address);
    let link = this.controller.links.get(address);
    if (link) {
      if (name && !link.name) link.name = name;
      if (takeOver) link.takeOverNow();
      return link;
    }
    link = new AgentLink(address, name, { token: this.controller.cfg.token, tls: this.tls, controllerId: this.controller.id, handler: this });
    link.takeOver = takeOver;
    this.controller.links.set(address, link);
    if (name) this.controller.nodes.ensure(name, address).link = link;
    link.start();
    return link;
  }

  undial(address: string): void {
    const link = this.controller.links.get(address);
    if (!link) return;
    this.controller.links.delete(address);
    link.stop();
  }

  start(): void {
    this.lastTick = Date.now();
    this.watchdog = setInterval(() => this.watch(), WATCH_MS);
    this.watchdog.unref();
  }

  stop(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    for (const link of this.controller.links.values()) link.stop();
    this.controller.links.clear();
  }

  hello(link: AgentLink, hello: Hello): void {
    onHello(this.controller, link, hello);
  }

  message(link: AgentLink, m: AgentMsg): void {
    const node = this.controller.nodes.get(link.name);
    if (!node || node.link !== link) return;
    node.lastSeenMs = link.lastSeenMs;
    switch (m.msg?.$case) {
      case 'updates':
        onUpdates(this.controller, node, m.msg.updates.items);
        break;
      case 'answers':
        onBatchAnswers(this.controller, node, m.msg.answers);
        break;
      case 'heartbeat':
        onHeartbeat(this.controller, node, m.msg.heartbeat);
        break;
      case 'batchDone': {
        const ref = this.controller.batches.get(m.msg.batchDone.batchId);
        if (ref && ref.batch.node === node) ref.op.batchDone(ref.batch);
        break;
      }
      default:
        break;
    }
  }

  down(link: AgentLink, reason: string): void {
    if (this.controller.stopping) return; // the controller leaves; the agents and their tasks stay
    const node = this.controller.nodes.get(link.name);
    // SUSPECT for the agent-loss grace: a restarted or briefly stopped agent costs no run
    if (node && node.link === link) nodeSuspect(this.controller, node, reason);
  }

  /** The agent belongs to another controller: the node shows why; its tasks are not ours any more. */
  refused(link: AgentLink, detail: ErrorDetailLike): void {
    if (this.controller.stopping) return;
    const name = link.name || detail.node || '';
    if (!name) return;
    const node = this.controller.nodes.get(name) ?? this.controller.nodes.ensure(name, link.address);
    if (node.link && node.link !== link) return; // that name is reached at another address
    node.link = link;
    if (!link.name) link.name = name; // dialled by address: the refusal named it
    const owner = detail.data?.owner ?? '';
    const first = node.refused !== detail.message;
    node.refused = detail.message;
    node.refusedOwner = owner;
    node.up = false;
    if (first) {
      this.controller.emit({ kind: 'node.refused', node: name, message: `node ${name} refused this controller: ${detail.message}`, data: { owner } });
    }
    // taken over by another controller: waiting out the grace would change nothing
    if (node.suspect || (node.synced && node.tasks.size)) nodeDown(this.controller, node, `taken by controller ${owner}`);
  }

  /** no message for heartbeatTimeoutMs: the session is broken even if the socket says otherwise */
  private watch(): void {
    const now = Date.now();
    const stalled = now - this.lastTick - WATCH_MS;
    this.lastTick = now;
    if (stalled > WATCH_MS) {
      // our own event loop was busy (e.g. expanding a 150k-task workflow): the agents' messages
      // wait unread in the sockets, so that time does not count against them
      for (const link of this.controller.links.values()) link.lastSeenMs += stalled;
      return;
    }
    const limit = this.controller.cfg.heartbeatTimeoutMs;
    for (const link of this.controller.links.values()) {
      if (link.up && now - link.lastSeenMs > limit) {
        link.breakSession(`no heartbeat for ${now - link.lastSeenMs} ms`);
      }
    }
  }
}
