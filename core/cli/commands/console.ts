// `baton console [--listen 127.0.0.1:0] [--open]`: serves the web console on localhost through the
// gateway, connected to the controller the CLI would use (--controller, BATON_CONTROLLER, else the
// local stack's $BATON_HOME/local/state.json), over mutual TLS with the CLI's TLS options. Prints
// the address to open; runs until interrupted. The console acts as the user whose token the CLI
// would send (--token, BATON_TOKEN, else the local user's): every browser given its URL is that user.
// The key browsers hold is kept in $BATON_HOME/console/session.json (gateway/session-key.ts), so a
// restart signs no open screen out; --new-session makes a new one.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import { clientTls, findController, homeOf } from '../context.js';
import { statePath } from '../../local/paths.js';
import { localStackController } from '../../training/local-stack.js';
import { info, isJsonMode, out, printJsonLine, withJson } from '../output.js';

function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`baton console: could not start ${cmd}; open ${url} yourself\n`));
  child.unref();
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function register(program: Command): void {
  withJson(
    program
      .command('console')
      .description('serve the web console on localhost (connected to the controller the CLI uses)')
      .option('--listen <host:port>', 'where the console listens (loopback only)', '127.0.0.1:0')
      .option('--open', 'open the console in the default browser')
      .option('--static-dir <dir>', 'the built renderer to serve (default: dist-renderer/ of the package)')
      .option('--new-session', 'make a new session key: every open console screen is signed out'),
    'print {url, token, openUrl, controller} as one JSON line once ready',
  ).action(async (opts: { listen: string; open?: boolean; staticDir?: string; newSession?: boolean }, cmd: Command) => {
    const target = findController(cmd);
    // the CLI's --tls-cert/--tls-key/--tls-ca (else BATON_TLS_*): a bad file is an error before anything listens
    const tls = clientTls(cmd);
    if (!target) {
      throw new BatonError(
        'UNAVAILABLE',
        `no controller for the console: pass --controller <addr>, set BATON_CONTROLLER, or start a local stack with \`baton local up\` (no ${statePath(homeOf(cmd))})`,
        { where: '--controller' },
      );
    }
    // imported here, not at the top: every other baton command would pay for loading the gateway
    const { probeController, startGateway, whoAmIThroughGateway } = await import('../../gateway/main.js');
    const { consoleSessionKey } = await import('../../gateway/session-key.js');
    // kept under the home: a restarted console signs none of its open screens out
    const consoleToken = consoleSessionKey(homeOf(cmd), target.address, target.token, opts.newSession);
    // the console hosts walkthroughs when it talks to the local stack of this home (faults signal
    // its agents, reports are saved under it); the controller must still say training
    const home = homeOf(cmd);
    const training = localStackController(home) === target.address ? { home } : undefined;
    const gw = await startGateway({
      controller: target.address,
      token: target.token,
      tls,
      listen: opts.listen,
      staticDir: opts.staticDir,
      consoleToken,
      training,
    });
    if (isJsonMode()) printJsonLine({ url: gw.url, token: gw.token, openUrl: gw.openUrl, controller: target.address });
    else out(`Baton console: ${gw.openUrl}\n(controller ${target.address} from ${target.source}; Ctrl-C stops the console)`);
    const problem = await probeController(gw);
    if (problem) info(`baton console: the controller at ${target.address} does not answer yet (${problem}); the console connects when it does`);
    else {
      // every browser with this console's URL acts as this user: say who
      const me = await whoAmIThroughGateway(gw).catch(() => null);
      if (me && !isJsonMode()) out(`(acting as ${me.user}, ${me.role})`);
    }
    if (opts.open) openInBrowser(gw.openUrl);
    await untilInterrupted();
    await gw.stop();
  });
}
