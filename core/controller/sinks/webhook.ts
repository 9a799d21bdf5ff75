// The HTTP way out: one POST per batch, body {controller, sink, events: [...]} (events in seq
// order, payload.ts), delivered when the answer is 2xx within the timeout. Anything else (an
// error status, no answer, a refused connection) is a failure the runner retries with backoff,
// the same batch again: a receiver de-duplicates on controller + seq.
import type { BusEvent } from '../events/bus.js';
import type { WebhookSinkConfig } from './config.js';
import { sinkEvent } from './payload.js';
import type { SinkTransport } from './runner.js';

export function webhookTransport(config: WebhookSinkConfig, controllerId: string): SinkTransport {
  const inflight = new Set<AbortController>();
  const timeoutMs = config.timeoutMs ?? 10_000;
  return {
    async deliver(events: readonly BusEvent[]): Promise<void> {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      inflight.add(abort);
      try {
        const body = JSON.stringify({ controller: controllerId, sink: config.name, events: events.map((e) => sinkEvent(controllerId, e)) });
        let res: Response;
        try {
          res = await fetch(config.url, {
            method: 'POST',
            headers: {
              ...config.headers,
              'content-type': 'application/json',
              'baton-controller': controllerId,
              'baton-seq-first': String(events[0]!.seq),
              'baton-seq-last': String(events[events.length - 1]!.seq),
            },
            body,
            signal: abort.signal,
          });
        } catch (e) {
          const cause = abort.signal.aborted ? (abort.signal.reason as Error) : ((e as { cause?: Error }).cause ?? (e as Error));
          throw new Error(`POST ${config.url}: ${cause.message}`);
        }
        // the body is read (and dropped) so the connection can be reused
        const text = await res.text().catch(() => '');
        if (res.status < 200 || res.status > 299) throw new Error(`POST ${config.url}: HTTP ${res.status}${text ? ` ${text.slice(0, 200)}` : ''}`);
      } finally {
        clearTimeout(timer);
        inflight.delete(abort);
      }
    },
    async close(): Promise<void> {
      for (const a of inflight) a.abort(new Error('controller stopping'));
    },
  };
}
