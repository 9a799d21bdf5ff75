// Runs a controller or an agent in its own process, for tests that kill -9 it.
// argv[2]: "controller" | "agent"; argv[3]: its options as JSON. Prints "listening <address>".
import { startController } from '../../../core/controller/main.js';
import { startAgent } from '../../../core/agent/main.js';

const [kind, json] = process.argv.slice(2);
const opts = JSON.parse(json!);
const h = kind === 'controller' ? await startController(opts) : await startAgent(opts);
console.log(`listening ${h.address}`);
process.on('SIGTERM', () => void h.stop().then(() => process.exit(0)));
