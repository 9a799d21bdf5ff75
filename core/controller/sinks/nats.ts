// The NATS way out: each event is one message on <prefix>.<env>.<kind>, its payload the event as
// JSON (payload.ts). JetStream mode (the default) counts an event delivered when the stream has
// acknowledged it, so it is stored by the server and consumers can replay it after their own or
// the server's restart; the message id is <controller>:<seq>, which JetStream's duplicate window
// uses to drop a batch re-sent after a failure. Core mode counts an event delivered once the
// server answered a flush after it: no storage, a subscriber away at that moment misses it.
import { connect, headers, StorageType, type NatsConnection, type MsgHdrs } from 'nats';
import { BatonError } from '../../model/errors.js';
import type { BusEvent } from '../events/bus.js';
import type { NatsSinkConfig } from './config.js';
import { sinkEvent, subjectOf } from './payload.js';
import type { SinkTransport } from './runner.js';

export function natsTransport(config: NatsSinkConfig, controllerId: string): SinkTransport {
  let connection: NatsConnection | null = null;
  let streamChecked = false;
  let closed = false;
  const timeoutMs = config.timeoutMs ?? 5000;

  async function openConnection(): Promise<NatsConnection> {
    if (connection && !connection.isClosed()) return connection;
    connection = await connect({
      servers: config.servers,
      token: config.token,
      user: config.user,
      pass: config.pass,
      name: `baton-controller-${controllerId}`,
      timeout: timeoutMs,
      // a broken connection is not mended here: the publish fails and the runner's retry dials anew
      maxReconnectAttempts: 0,
    });
    streamChecked = false;
    if (closed) await connection.close();
    return connection;
  }

  async function ensureStream(nc: NatsConnection): Promise<void> {
    if (streamChecked || config.mode === 'core') return;
    const jsm = await nc.jetstreamManager({ timeout: timeoutMs });
    try {
      await jsm.streams.info(config.stream!);
    } catch (e) {
      if (!config.createStream) {
        throw new BatonError('UNAVAILABLE', `JetStream stream ${config.stream} not found and createStream is off: ${(e as Error).message}`);
      }
      await jsm.streams.add({ name: config.stream!, subjects: [`${config.subjectPrefix}.>`], storage: StorageType.File });
    }
    streamChecked = true;
  }

  function headersOf(e: BusEvent): MsgHdrs {
    const h = headers();
    h.set('Baton-Controller', controllerId);
    h.set('Baton-Seq', String(e.seq));
    return h;
  }

  return {
    async deliver(events: readonly BusEvent[]): Promise<void> {
      try {
        await publish(events);
      } catch (e) {
        // a fresh connection for the retry: the client would otherwise keep the failed batch in its
        // reconnect buffer and publish it again, late, past the stream's duplicate window
        const nc = connection;
        connection = null;
        if (nc && !nc.isClosed()) await nc.close().catch(() => {});
        const m = (e as Error).message;
        throw new Error(m.startsWith('NATS') ? m : `NATS ${config.servers.join(',')}: ${m}`);
      }
    },
    async close(): Promise<void> {
      closed = true;
      const nc = connection;
      connection = null;
      if (nc && !nc.isClosed()) await nc.close();
    },
  };

  async function publish(events: readonly BusEvent[]): Promise<void> {
    const nc = await openConnection();
    const encoded = events.map((e) => ({ e, subject: subjectOf(config.subjectPrefix!, e), data: Buffer.from(JSON.stringify(sinkEvent(controllerId, e))) }));
    if (config.mode === 'core') {
      for (const m of encoded) nc.publish(m.subject, m.data, { headers: headersOf(m.e) });
      await withTimeout(nc.flush(), timeoutMs, 'flush');
      return;
    }
    await ensureStream(nc);
    const js = nc.jetstream({ timeout: timeoutMs });
    // pipelined on one connection, so the stream stores them in seq order; every ack awaited
    const acks = await Promise.allSettled(
      encoded.map((m) => js.publish(m.subject, m.data, { msgID: `${controllerId}:${m.e.seq}`, timeout: timeoutMs, headers: headersOf(m.e) })),
    );
    const failed = acks.find((a) => a.status === 'rejected');
    if (failed) throw new Error(`NATS publish: ${(failed.reason as Error).message}`);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`NATS ${what}: no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}
