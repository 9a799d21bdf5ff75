// How fast an event sink catches up a backlog read back from the store (docs/event-sinks.md):
// N stored events, a NATS (JetStream, a real nats-server) and a webhook sink (a local HTTP server)
// starting from the beginning; prints events/s each. Standalone, not part of `npm run bench`:
//   node dist/test/bench/sinks-catchup.js [events=50000]
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBus } from '../../core/controller/events/bus.js';
import { startEventSinks } from '../../core/controller/sinks/index.js';
import { checkSinkConfigs, type EventSinkConfig } from '../../core/controller/sinks/config.js';
import { openSqliteStore } from '../../core/store/sqlite.js';
import { startNatsServer } from '../integration/sinks/nats-server.js';

const count = Number(process.argv[2] ?? 50_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-sinks-bench-'));
const store = openSqliteStore(path.join(dir, 'baton.db'));
const body = (i: number) => ({
  timeMs: Date.now(),
  kind: 'task.state',
  envId: 'env-bench',
  taskId: `env-bench/t${i % 100}`,
  node: 'n1',
  body: { timeMs: Date.now(), kind: 'task.state', envId: 'env-bench', taskId: `env-bench/t${i % 100}`, state: 'RUNNING' },
});
for (let i = 0; i < count; i += 1000) await store.appendEvents(Array.from({ length: Math.min(1000, count - i) }, (_, k) => body(i + k)));
const bus = new EventBus(store);
await bus.init();

const nats = await startNatsServer();
let hookEvents = 0;
const hook = http.createServer((req, res) => {
  let text = '';
  req.on('data', (d) => (text += d));
  req.on('end', () => {
    hookEvents += (JSON.parse(text) as { events: unknown[] }).events.length;
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));

async function measure(config: EventSinkConfig): Promise<void> {
  const started = performance.now();
  const sinks = await startEventSinks(checkSinkConfigs([config]), { controllerId: 'ctl-bench', store, bus });
  while (sinks.status()[0]!.deliveredSeq < bus.lastSeq) await new Promise((r) => setTimeout(r, 20));
  const s = (performance.now() - started) / 1000;
  await sinks.stop();
  console.log(`${config.kind} (batch ${config.batchSize ?? 'default'}): ${count} events in ${s.toFixed(2)} s = ${Math.round(count / s)} events/s`);
}

try {
  await measure({ kind: 'nats', name: 'nats', servers: [nats.url], from: 'beginning', batchSize: 500, retryInitialMs: 500, retryMaxMs: 30_000 });
  await measure({
    kind: 'webhook',
    name: 'hook',
    url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`,
    from: 'beginning',
    batchSize: 100,
    retryInitialMs: 500,
    retryMaxMs: 30_000,
  });
  await measure({
    kind: 'webhook',
    name: 'hook500',
    url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`,
    from: 'beginning',
    batchSize: 500,
    retryInitialMs: 500,
    retryMaxMs: 30_000,
  });
  console.log(`webhook server received ${hookEvents} events`);
} finally {
  hook.close();
  await nats.stop();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
