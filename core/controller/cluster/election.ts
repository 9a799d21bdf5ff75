// Leader election on an etcd lease: the one key `<prefix>/leader` is created, with the candidate's
// address as its value and its lease attached, by a transaction that succeeds only while the key
// does not exist. The controller that created it leads until its lease ends (kill -9: etcd lets
// the lease expire after the TTL and deletes the key; a clean stop revokes it at once). Why not
// etcd3's Election/Campaign: it declares a lease lost only after twice the TTL without a
// keepalive, when a follower may already lead; the leader here steps down as soon as its own
// clock says the lease may have expired (the last keepalive etcd answered + TTL - margin).
import { EventEmitter } from 'node:events';
import type { Lease, Watcher } from 'etcd3';
import type { EtcdKv, Fence } from '../../store/etcd-kv.js';

export const LEADER_KEY = 'leader';
/** how often a follower tries to take the key (and reads who leads) when nothing woke it: a watch
 *  on the key wakes it as soon as etcd deletes the dead leader's key, this is the fallback */
const CAMPAIGN_EVERY_MS = 200;
/** the leader steps down this long before the lease could expire on etcd's side */
const SAFETY_MS = 300;

export interface ElectionEvents {
  elected: [fence: Fence];
  lost: [reason: string];
}

export class LeaderElection extends EventEmitter<ElectionEvents> {
  private lease: Lease | null = null;
  private leaseId = '';
  private validUntil = 0;
  private fence: Fence | null = null;
  private stopped = false;
  private watchdog: NodeJS.Timeout | null = null;
  /** a follower's watch on the leader key, and the wait it cuts short */
  private keyWatch: Watcher | null = null;
  private wake: (() => void) | null = null;
  /** the leader's address as last read ('' while none) */
  leader = '';

  /** what this controller announces: the address clients dial */
  private address = '';

  constructor(
    private readonly kv: EtcdKv,
    private readonly ttlSeconds: number,
  ) {
    super();
  }

  get isLeader(): boolean {
    return this.fence !== null;
  }

  start(address: string): void {
    this.address = address;
    void this.campaign();
  }

  private async grant(): Promise<void> {
    const lease = this.kv.ns.lease(this.ttlSeconds);
    let fired = Date.now();
    lease.on('keepaliveFired', () => {
      fired = Date.now();
    });
    lease.on('keepaliveSucceeded', () => {
      this.validUntil = fired + this.ttlSeconds * 1000;
    });
    lease.on('lost', (err) => {
      if (this.lease !== lease) return;
      this.lease = null;
      if (this.fence) this.lose(`etcd says the lease is gone: ${err.message}`);
    });
    const asked = Date.now();
    this.leaseId = await lease.grant();
    this.validUntil = asked + this.ttlSeconds * 1000;
    this.lease = lease;
  }

  /** Waits ms, or less when the leader key is deleted (the watch) or the campaign ends. */
  private pause(ms: number): Promise<void> {
    if (!this.keyWatch) {
      this.keyWatch = this.kv.ns.watch().key(LEADER_KEY).watcher();
      this.keyWatch.on('delete', () => this.wake?.());
      this.keyWatch.on('error', () => {}); // etcd3 re-establishes the watch; the poll goes on meanwhile
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private endWatch(): void {
    this.wake?.();
    const watch = this.keyWatch;
    this.keyWatch = null;
    void watch?.cancel().catch(() => {});
  }

  private async campaign(): Promise<void> {
    while (!this.stopped && !this.fence) {
      try {
        if (!this.lease) await this.grant();
        const ns = this.kv.ns;
        const result = await ns
          .if(LEADER_KEY, 'Create', '==', 0)
          .then(ns.put(LEADER_KEY).value(this.address).lease(this.leaseId))
          .else(ns.get(LEADER_KEY))
          .commit();
        if (this.stopped) return;
        if (result.succeeded) {
          this.fence = { key: LEADER_KEY, createRevision: String(result.header.revision) };
          this.endWatch();
          this.leader = this.address;
          this.watchdog = setInterval(() => {
            if (Date.now() > this.validUntil - SAFETY_MS) this.lose(`no keepalive of the lease answered for ${this.ttlSeconds} s (etcd unreachable?)`);
          }, 100);
          this.emit('elected', this.fence);
          return;
        }
        this.leader = result.responses[0]?.response_range?.kvs[0]?.value.toString() ?? '';
      } catch {
        // etcd unreachable, or the lease expired meanwhile (etcd3 says so only after twice the
        // TTL): no leader known from here; try again with a new lease
        this.leader = '';
        this.lease?.release();
        this.lease = null;
      }
      await this.pause(CAMPAIGN_EVERY_MS);
    }
  }

  /** The leader's lease may be gone: it must stop acting (once). */
  private lose(reason: string): void {
    if (!this.fence) return;
    this.fence = null;
    this.leader = '';
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.stopped = true;
    this.lease?.release();
    this.emit('lost', reason);
  }

  /** Ends the campaign; a leader revokes its lease so that a follower takes over at once. */
  async resign(): Promise<void> {
    this.stopped = true;
    this.endWatch();
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    this.fence = null;
    const lease = this.lease;
    this.lease = null;
    if (lease) await lease.revoke().catch(() => lease.release());
  }
}
