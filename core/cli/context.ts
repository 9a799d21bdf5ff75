// Global options and the connection to the controller: --controller, else BATON_CONTROLLER, else
// $BATON_HOME/local/state.json (local mode); --token, else BATON_TOKEN, else state.json;
// mutual TLS from --tls-cert/--tls-key/--tls-ca, else BATON_TLS_CERT/BATON_TLS_KEY/BATON_TLS_CA.
import type { Command } from 'commander';
import { BatonError } from '../model/errors.js';
import { connectControl, type ControlConnection } from '../rpc/control-client.js';
import { resolveHome, statePath } from '../local/paths.js';
import { readState } from '../local/state.js';
import { loadTls, tlsFromEnvironment, tlsFromFlags, type TlsFiles, type TlsPem } from '../rpc/tls.js';

export interface GlobalOpts {
  controller?: string;
  token?: string;
  home?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

export function globalOpts(cmd: Command): GlobalOpts {
  return cmd.optsWithGlobals<GlobalOpts>();
}

export function homeOf(cmd: Command): string {
  return resolveHome(globalOpts(cmd).home);
}

/** The token from --token or BATON_TOKEN (for `controller` and `agent`). */
export function explicitToken(cmd: Command): string | undefined {
  return globalOpts(cmd).token || process.env.BATON_TOKEN || undefined;
}

/** The TLS files from --tls-cert/--tls-key/--tls-ca (all three or none), for `controller` and `agent`. */
export function flagTls(cmd: Command): TlsFiles | undefined {
  const g = globalOpts(cmd);
  return tlsFromFlags({ cert: g.tlsCert, key: g.tlsKey, ca: g.tlsCa });
}

/** The client's TLS (loaded): the flags, else BATON_TLS_CERT/BATON_TLS_KEY/BATON_TLS_CA. */
export function clientTls(cmd: Command): TlsPem | undefined {
  return loadTls(flagTls(cmd) ?? tlsFromEnvironment(), 'client');
}

export interface Target {
  address: string;
  token?: string;
  source: '--controller' | 'BATON_CONTROLLER' | 'state.json';
}

/** Where the controller is, or null when nothing says. */
export function findController(cmd: Command): Target | null {
  const g = globalOpts(cmd);
  const home = resolveHome(g.home);
  const envToken = g.token || process.env.BATON_TOKEN || undefined;
  if (g.controller) {
    // the local stack's token goes only to the local stack's controller
    const s = readState(home);
    const localToken = s && s.controller.address === g.controller ? s.token : undefined;
    return { address: g.controller, token: envToken ?? localToken, source: '--controller' };
  }
  if (process.env.BATON_CONTROLLER) {
    return { address: process.env.BATON_CONTROLLER, token: envToken, source: 'BATON_CONTROLLER' };
  }
  const s = readState(home);
  if (s) return { address: s.controller.address, token: envToken ?? s.token, source: 'state.json' };
  return null;
}

export function connect(cmd: Command): ControlConnection {
  const t = findController(cmd);
  if (!t) {
    const home = homeOf(cmd);
    throw new BatonError(
      'UNAVAILABLE',
      `no controller to talk to: pass --controller <addr>, set BATON_CONTROLLER, or start a local stack with \`baton local up\` (no ${statePath(home)})`,
      { where: '--controller' },
    );
  }
  return connectControl(t.address, { token: t.token, tls: clientTls(cmd), client: 'cli' });
}

/** Runs fn with a connection and always closes it. */
export async function withControl<T>(cmd: Command, fn: (c: ControlConnection) => Promise<T>): Promise<T> {
  const c = connect(cmd);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
