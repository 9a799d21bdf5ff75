// baton events --follow: follows the event stream across controller restarts. Each event is
// printed once: the follower keeps the last seq it printed and, when the stream breaks (the
// controller killed or restarted, or this follower cut off as too slow), dials again and resumes
// with from_seq = that seq, so nothing is lost (the store kept it) and nothing repeats.
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import type { Event } from '../../rpc/gen/control.js';
import type { ControlConnection } from '../../rpc/control-client.js';
import { connect } from '../context.js';
import { info } from '../output.js';

/** errors that no reconnect mends: the follower stops with them */
const FINAL = new Set(['UNAUTHENTICATED', 'PERMISSION_DENIED', 'BAD_INPUT', 'NOT_FOUND']);
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 2000;

export interface FollowOptions {
  /** start after this seq (0: from the beginning) */
  from: number;
  envId: string;
  kinds: string[];
}

export async function followEvents(cmd: Command, opts: FollowOptions, print: (e: Event) => void): Promise<void> {
  let last = opts.from;
  let stopped = false;
  let conn: ControlConnection | null = null;
  let cancel: () => void = () => {};
  let wake: () => void = () => {};
  const stop = () => {
    stopped = true;
    cancel();
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  let lostAt = 0;
  let delay = RETRY_FIRST_MS;
  try {
    while (!stopped) {
      conn?.close();
      conn = connect(cmd);
      try {
        // a quick unary call first: it fails fast while the controller is away, and says when it is back
        if (lostAt) await conn.call('getInfo', {}, 3000);
        if (lostAt) {
          info(`baton events: controller back after ${Math.round((Date.now() - lostAt) / 1000)} s; resuming after seq ${last}`);
          lostAt = 0;
        }
        delay = RETRY_FIRST_MS;
        await followOnce(
          conn,
          { ...opts, from: last },
          (c) => (cancel = c),
          (e) => {
            if (e.seq <= last) return;
            last = e.seq;
            print(e);
          },
        );
        if (stopped) return;
        throw new BatonError('UNAVAILABLE', 'the controller ended the event stream');
      } catch (e) {
        if (stopped) return;
        const err = e instanceof BatonError ? e : new BatonError('UNAVAILABLE', (e as Error).message);
        if (FINAL.has(err.code)) throw err;
        if (!lostAt) {
          lostAt = Date.now();
          info(`baton events: lost the controller (${err.message}); reconnecting, will resume after seq ${last}`);
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    conn?.close();
  }
}

/** one Subscribe stream: resolves when it ends or is cancelled, rejects with its error */
function followOnce(conn: ControlConnection, opts: FollowOptions, onCancel: (cancel: () => void) => void, onEvent: (e: Event) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = conn.stream('subscribe', { fromSeq: opts.from, envId: opts.envId, kinds: opts.kinds, replayAll: opts.from === 0 });
    onCancel(() => {
      call.cancel();
      resolve();
    });
    call.on('data', (b) => {
      for (const e of b.events) onEvent(e);
    });
    call.on('error', reject);
    call.on('end', resolve);
  });
}
