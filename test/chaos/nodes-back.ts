// The operator's first look before acting: the loop's nodes up again after the last fault. An
// agent restarted or sent SIGCONT a moment ago is re-dialled (grpc-js' backoff) or sends its next
// heartbeat within seconds; a set-up started before then finds no node to place on, which is the
// operator's haste, not the product's fault. A node still not back after the bound is a finding.
import type { ControlClient } from '../../core/rpc/gen/control.js';
import { listNodes } from './client.js';
import { sleep } from './random.js';

/** the names of `names` not up (or SUSPECT) after `boundMs`; [] once all are up */
export async function nodesBack(client: ControlClient, names: readonly string[], boundMs: number): Promise<string[]> {
  const until = Date.now() + boundMs;
  for (;;) {
    const nodes = await listNodes(client).catch(() => null);
    const away = nodes ? names.filter((name) => !nodes.some((n) => n.name === name && n.up && !n.suspect)) : [...names];
    if (!away.length || Date.now() >= until) return away;
    await sleep(100);
  }
}
