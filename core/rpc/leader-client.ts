// A Control client given every controller of a fail-over cluster (`--controller a,b,c`,
// BATON_CONTROLLER=a,b,c): it calls the one it last found leading, and on NOT_LEADER goes to the
// leader the follower names (when that is one of the addresses given), on UNAVAILABLE to the next
// address, for up to FOLLOW_WINDOW_MS (a take-over takes a few seconds: docs/reliability.md).
// A stream is re-opened the same way only while it has delivered nothing; once it has, its
// failure is the caller's to see (a follow of events re-subscribes from its last seq).
// A mutating call whose leader died while handling it may thus run on the successor too: the
// successor then answers from the state it restored (a START already done is
// TRANSITION_NOT_ALLOWED, one being reconciled BUSY), as a user retrying by hand would see.
import { EventEmitter } from 'node:events';
import { BatonError } from '../model/errors.js';
import type { ControlConnection, ControlStream, ControlStreamMethod, ControlUnaryMethod, ControlReply, ControlRequest } from './control-client.js';

/** how long a call looks for the leader before it fails with the last error */
export const FOLLOW_WINDOW_MS = 10_000;
const PAUSE_MS = 200;

export function splitAddresses(text: string): string[] {
  return text
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}

function retriable(e: BatonError): boolean {
  return e.code === 'NOT_LEADER' || e.code === 'UNAVAILABLE';
}

export function followLeader(addresses: string[], connectOne: (address: string) => ControlConnection, windowMs = FOLLOW_WINDOW_MS): ControlConnection {
  const connections = new Map<string, ControlConnection>();
  const connection = (address: string) => {
    let c = connections.get(address);
    if (!c) {
      c = connectOne(address);
      connections.set(address, c);
    }
    return c;
  };
  let current = 0;
  let missesSincePause = 0;

  /** Picks the next address to try after e; resolves after a pause once every address missed. */
  const move = async (e: BatonError): Promise<void> => {
    const named = e.code === 'NOT_LEADER' ? String(e.detail.data?.leader ?? '') : '';
    const index = named ? addresses.indexOf(named) : -1;
    if (index >= 0 && index !== current) {
      current = index;
      return;
    }
    current = (current + 1) % addresses.length;
    if (++missesSincePause >= addresses.length) {
      missesSincePause = 0;
      await new Promise((r) => setTimeout(r, PAUSE_MS));
    }
  };

  const tried = (e: BatonError) => {
    const { code: _code, message, ...fields } = e.detail;
    return new BatonError(e.code, `${message} (no leader answered among ${addresses.join(', ')})`, fields);
  };

  return {
    address: addresses.join(','),
    async call<M extends ControlUnaryMethod>(method: M, request: ControlRequest<M>, timeoutMs?: number): Promise<ControlReply<M>> {
      const started = Date.now();
      const until = started + Math.min(timeoutMs ?? windowMs, windowMs);
      for (;;) {
        try {
          const reply = await connection(addresses[current]!).call(
            method,
            request,
            timeoutMs === undefined ? undefined : Math.max(1, started + timeoutMs - Date.now()),
          );
          missesSincePause = 0;
          return reply;
        } catch (err) {
          const e = err as BatonError;
          if (!(e instanceof BatonError) || !retriable(e)) throw e;
          if (Date.now() >= until) throw tried(e);
          await move(e);
        }
      }
    },
    stream<M extends ControlStreamMethod>(method: M, request: ControlRequest<M>, options?: { timeoutMs?: number }): ControlStream<ControlReply<M>> {
      const events = new EventEmitter();
      const until = Date.now() + windowMs;
      let inner: ControlStream<ControlReply<M>> | null = null;
      let delivered = false;
      let cancelled = false;
      const open = () => {
        const s = connection(addresses[current]!).stream(method, request, options);
        inner = s;
        s.on('data', (m) => {
          delivered = true;
          missesSincePause = 0;
          events.emit('data', m);
        });
        let failed = false;
        // grpc-js may end a stream after its error: only the stream in use, and only a clean end
        s.on('end', () => {
          if (!failed && inner === s) events.emit('end');
        });
        s.on('error', (e) => {
          failed = true;
          if (cancelled || inner !== s) return;
          if (!delivered && retriable(e) && Date.now() < until) {
            void move(e).then(() => {
              if (!cancelled) open();
            });
            return;
          }
          events.emit('error', delivered || !retriable(e) ? e : tried(e));
        });
      };
      open();
      const stream: ControlStream<ControlReply<M>> = {
        on(event: string, listener: (...args: any[]) => void) {
          events.on(event, listener);
          return stream;
        },
        cancel() {
          cancelled = true;
          inner?.cancel();
        },
        pause: () => inner?.pause(),
        resume: () => inner?.resume(),
        isPaused: () => inner?.isPaused() ?? false,
      };
      return stream;
    },
    close() {
      for (const c of connections.values()) c.close();
    },
  };
}
