// Runs one agent in its own process for tests that kill the agent (argv[2]: AgentOptions as JSON).
// Prints "listening <address>" once ready.
import { startAgent } from '../../../core/agent/main.js';

const agent = await startAgent(JSON.parse(process.argv[2]!));
console.log(`listening ${agent.address}`);
process.on('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
