// The `baton` command. One command group per file in commands/ (each exports register(program));
// heavy parts (controller, agent, workflow) are imported only by the commands that run them.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { EXIT_OK, reportError } from './errors.js';
import { flushOutput, setJsonMode } from './output.js';
import { register as registerAgent } from './commands/agent.js';
import { register as registerController } from './commands/controller.js';
import { register as registerEnv } from './commands/env.js';
import { register as registerEvents } from './commands/events.js';
import { register as registerLocal } from './commands/local.js';
import { register as registerNode } from './commands/node.js';
import { register as registerNodeRemote } from './commands/node-remote.js';
import { register as registerCerts } from './commands/certs.js';
import { register as registerRun } from './commands/run.js';
import { register as registerTask } from './commands/task.js';
import { register as registerTemplate } from './commands/template.js';
import { register as registerUser } from './commands/user.js';
import { register as registerAudit } from './commands/audit.js';
import { register as registerTrain } from './commands/train.js';

function version(): string {
  try {
    const pkg = new URL('../../../package.json', import.meta.url);
    return (JSON.parse(fs.readFileSync(fileURLToPath(pkg), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** commands/console.js is written by the console's owner; registered when it is there. */
async function registerConsole(program: Command): Promise<void> {
  const url = new URL('./commands/console.js', import.meta.url);
  if (!fs.existsSync(fileURLToPath(url))) return;
  const mod = (await import(url.href)) as { register?: (p: Command) => void };
  mod.register?.(program);
}

export async function buildProgram(): Promise<Command> {
  const program = new Command('baton')
    .description('Baton: experiment control for data-acquisition farms (controller, agents, environments, runs)')
    .version(version(), '-V, --version')
    .option('--controller <addr>', 'controller address, unix:///path or host:port (default: $BATON_CONTROLLER, else the local stack in $BATON_HOME)')
    .option('--token <token>', "API token (default: $BATON_TOKEN, else the local stack's)")
    .option('--tls-cert <file>', "mutual TLS: this side's certificate (PEM) (default: $BATON_TLS_CERT for clients)")
    .option('--tls-key <file>', 'mutual TLS: its private key (PEM) (default: $BATON_TLS_KEY for clients)')
    .option('--tls-ca <file>', "mutual TLS: the CA that signs the peer's certificate (PEM) (default: $BATON_TLS_CA for clients)")
    .option('--home <dir>', "Baton's data directory (default: $BATON_HOME, else ~/.baton)")
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  // every subcommand fails through exitOverride too, so main() decides the exit code
  program.hook('preAction', (_root, action) => setJsonMode(!!action.opts().json));
  for (const reg of [
    registerEnv,
    registerTask,
    registerNode,
    registerNodeRemote,
    registerCerts,
    registerRun,
    registerEvents,
    registerAudit,
    registerTemplate,
    registerLocal,
    registerController,
    registerAgent,
    registerUser,
    registerTrain,
  ]) {
    reg(program);
  }
  await registerConsole(program);
  const exitOverride = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  let code = EXIT_OK;
  try {
    const program = await buildProgram();
    await program.parseAsync(argv);
    code = typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (e) {
    code = reportError(e, argv.includes('--json'));
  }
  return code;
}

// `baton ... | head`: a closed stdout is not an error
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

// bin/baton.js imports this module: run the command line
const code = await main();
await flushOutput();
process.exit(code);
