// Streams stay open for hours (the console's Subscribe, a followed log): when the credential a
// stream was opened with stops working (its user removed, its token replaced) the stream ends
// too, with UNAUTHENTICATED, instead of feeding someone who no longer has access.
import type { EventEmitter } from 'node:events';
import { BatonError } from '../../model/errors.js';
import { toServiceError } from '../../rpc/errors.js';
import type { AuthenticatedBy } from './authenticator.js';

/** A server stream as grpc-js gives it: an emitter with write(). */
export type StreamCall = EventEmitter & { write: (...args: never[]) => unknown };

interface Watched {
  call: StreamCall;
  by: AuthenticatedBy;
}

export function isStream(call: object): call is StreamCall {
  return typeof (call as { write?: unknown }).write === 'function' && typeof (call as { on?: unknown }).on === 'function';
}

export class OpenStreams {
  private readonly byUser = new Map<string, Set<Watched>>();

  /** Keeps the stream until it ends, to end it when `user`'s credential `by` is revoked. */
  watch(call: StreamCall, user: string, by: AuthenticatedBy): void {
    const watched: Watched = { call, by };
    let set = this.byUser.get(user);
    if (!set) this.byUser.set(user, (set = new Set()));
    set.add(watched);
    const forget = () => {
      set.delete(watched);
      if (set.size === 0 && this.byUser.get(user) === set) this.byUser.delete(user);
    };
    for (const event of ['finish', 'close', 'cancelled', 'error']) call.once(event, forget);
  }

  /** Ends the user's open streams (those opened with one of `kinds`, or all). */
  revoke(user: string, reason: string, kinds?: AuthenticatedBy[]): number {
    const set = this.byUser.get(user);
    if (!set) return 0;
    let ended = 0;
    for (const watched of [...set]) {
      if (kinds && !kinds.includes(watched.by)) continue;
      set.delete(watched);
      ended += 1;
      try {
        watched.call.emit('error', toServiceError(new BatonError('UNAUTHENTICATED', reason, { where: 'token' })));
        // the handler's own clean-up (a log follower, a subscription) listens for the client going
        // away: the call is over for it just the same
        watched.call.emit('cancelled', 'revoked');
      } catch {
        /* the call is gone */
      }
    }
    if (set.size === 0) this.byUser.delete(user);
    return ended;
  }

  /** how many streams are watched (tests) */
  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }
}
