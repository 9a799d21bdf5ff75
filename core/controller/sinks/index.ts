// The controller's event sinks: one runner per configured sink (runner.ts), started after the
// event bus knows its last seq and stopped before the store closes.
import type { Store } from '../../store/store.js';
import type { EventBus } from '../events/bus.js';
import type { EventSinkConfig } from './config.js';
import { natsTransport } from './nats.js';
import { SinkRunner, type SinkStatus } from './runner.js';
import { webhookTransport } from './webhook.js';

export type { EventSinkConfig } from './config.js';
export type { SinkStatus } from './runner.js';

export interface EventSinks {
  status(): SinkStatus[];
  stop(): Promise<void>;
}

export async function startEventSinks(
  configs: readonly EventSinkConfig[],
  deps: { controllerId: string; store: Store; bus: EventBus; log?: (line: string) => void },
): Promise<EventSinks> {
  const log = deps.log ?? ((line: string) => console.error(line));
  const runners = configs.map(
    (c) => new SinkRunner(c, c.kind === 'nats' ? natsTransport(c, deps.controllerId) : webhookTransport(c, deps.controllerId), deps.store, deps.bus, log),
  );
  for (const r of runners) await r.start();
  return {
    status: () => runners.map((r) => r.status()),
    async stop() {
      await Promise.all(runners.map((r) => r.stop()));
    },
  };
}
