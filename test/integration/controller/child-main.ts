// Runs a controller or an agent in its own process, for tests that kill -9 it.
// argv[2]: "controller" | "agent"; argv[3]: its options as JSON. Prints "listening <address>".
// A controller whose options name a clusterStore (etcd://...) is one of a fail-over cluster: it
// prints its address while still a follower, and exits with code 3 when it loses the lease.
import { startController } from '../../../core/controller/main.js';
import { startClusterController } from '../../../core/controller/cluster/run.js';
import { startAgent } from '../../../core/agent/main.js';

const [kind, json] = process.argv.slice(2);
const opts = JSON.parse(json!);
const h =
  kind !== 'controller'
    ? await startAgent(opts)
    : opts.clusterStore
      ? await startClusterController({ ...opts, store: opts.clusterStore, onLost: () => process.exit(3) })
      : await startController(opts);
console.log(`listening ${h.address}`);
process.on('SIGTERM', () => void h.stop().then(() => process.exit(0)));
