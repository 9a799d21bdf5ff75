// `baton console [--listen 127.0.0.1:0] [--open]`: serves the web console on localhost through the
// gateway, connected to the controller named by BATON_CONTROLLER/BATON_TOKEN or, without them, to
// the local-mode stack ($BATON_HOME/local/state.json). Runs until interrupted.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { BatonError, formatError, toBatonError } from '../../model/errors.js';
import { startGateway } from '../../gateway/main.js';

interface ControllerTarget { address: string; token?: string }

/** BATON_CONTROLLER (+ BATON_TOKEN), else the local-mode state file. */
export function resolveController(env: NodeJS.ProcessEnv = process.env): ControllerTarget {
  if (env.BATON_CONTROLLER) return { address: env.BATON_CONTROLLER, token: env.BATON_TOKEN || undefined };
  const home = env.BATON_HOME || path.join(os.homedir(), '.baton');
  const file = path.join(home, 'local', 'state.json');
  let state: Record<string, unknown>;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new BatonError('UNAVAILABLE',
      `no controller: set BATON_CONTROLLER, or start one with \`baton local up\` (no ${file})`, { where: 'BATON_CONTROLLER' });
  }
  const ctl = state.controller as Record<string, unknown> | string | undefined;
  const address = typeof ctl === 'string' ? ctl
    : (ctl?.address as string | undefined) ?? (state.controllerAddress as string | undefined) ?? (state.address as string | undefined);
  const token = (typeof ctl === 'object' ? (ctl?.token as string | undefined) : undefined) ?? (state.token as string | undefined);
  if (!address) throw new BatonError('UNAVAILABLE', `${file} names no controller address`, { where: file });
  return { address, token: token || undefined };
}

function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => console.error(`could not start ${cmd}: open ${url} yourself`));
  child.unref();
}

export function register(program: Command): void {
  program
    .command('console')
    .description('serve the web console on localhost (connected to BATON_CONTROLLER or the local stack)')
    .option('--listen <host:port>', 'where the console listens (loopback only)', '127.0.0.1:0')
    .option('--open', 'open the console in the default browser')
    .option('--static-dir <dir>', 'the built renderer to serve (default: dist-renderer/ of the package)')
    .option('--json', 'print {url, token, openUrl} as one JSON line once ready')
    .action(async (opts: { listen: string; open?: boolean; staticDir?: string; json?: boolean }) => {
      try {
        const target = resolveController();
        const gw = await startGateway({ controller: target.address, token: target.token, listen: opts.listen, staticDir: opts.staticDir });
        if (opts.json) console.log(JSON.stringify({ url: gw.url, token: gw.token, openUrl: gw.openUrl, controller: target.address }));
        else console.log(`Baton console: ${gw.openUrl}\n(controller ${target.address}; Ctrl-C stops the console)`);
        if (opts.open) openInBrowser(gw.openUrl);
        await new Promise<void>((resolve) => {
          const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await gw.stop();
      } catch (e) {
        const err = toBatonError(e);
        if (opts.json) console.log(JSON.stringify({ error: err.detail }));
        else console.error(`baton console: ${formatError(err.detail)}`);
        process.exitCode = err.exitCode;
      }
    });
}
