// The core the desktop app (and `npm start` without Electron) talks to: a remote controller named
// by BATON_CONTROLLER (+ BATON_TOKEN, and BATON_TLS_CERT/KEY/CA for mutual TLS), else the local stack of $BATON_HOME: reused when one is
// already up, started (and stopped again on quit) otherwise. Then the console gateway, in-process.
import { startGateway, type GatewayHandle } from '../core/gateway/main.js';
import { localDown, localStatus, localUp, readState, readUserToken, resolveHome } from '../core/local/index.js';
import { tlsFromEnvironment, type TlsFiles } from '../core/rpc/tls.js';

export interface CoreHost {
  gateway: GatewayHandle;
  /** what the console is connected to, for people */
  describe: string;
  stop(): Promise<void>;
}

export interface CoreHostOptions {
  agents?: number;
  listen?: string;
  staticDir?: string;
  log?: (line: string) => void;
}

export async function startCoreHost(opts: CoreHostOptions = {}): Promise<CoreHost> {
  const log = opts.log ?? (() => {});
  let controller: string;
  let token: string | undefined;
  let tls: TlsFiles | undefined;
  let stopLocal: (() => Promise<void>) | null = null;
  let describe: string;
  let trainingHome: string | undefined;
  if (process.env.BATON_CONTROLLER) {
    controller = process.env.BATON_CONTROLLER;
    token = process.env.BATON_TOKEN || undefined;
    tls = tlsFromEnvironment();
    describe = `controller ${controller}`;
  } else {
    const home = resolveHome(process.env.BATON_HOME);
    const status = await localStatus({ home });
    if (status.running) {
      log(`using the local stack already running in ${home}`);
    } else {
      log(`starting a local stack in ${home}…`);
      await localUp({ home, agents: opts.agents ?? 2, onProgress: (p) => log(p.message) });
      stopLocal = async () => {
        await localDown({ home });
      };
    }
    const state = readState(home)!;
    controller = state.controller.address;
    // a local stack started for training: the console may run walkthroughs on it
    trainingHome = home;
    // the OS user's own token (local up made it an admin), else a stack from before users
    token = process.env.BATON_TOKEN || readUserToken(home) || state.token;
    describe = `local stack in ${home}${stopLocal ? '' : ' (already running, left running on exit)'}`;
  }
  let gateway: GatewayHandle;
  try {
    gateway = await startGateway({
      controller,
      token,
      tls,
      listen: opts.listen ?? '127.0.0.1:0',
      staticDir: opts.staticDir,
      training: trainingHome ? { home: trainingHome } : undefined,
    });
  } catch (e) {
    await stopLocal?.();
    throw e;
  }
  let stopped = false;
  return {
    gateway,
    describe,
    async stop() {
      if (stopped) return;
      stopped = true;
      await gateway.stop();
      if (stopLocal) {
        log('stopping the local stack…');
        await stopLocal();
      }
    },
  };
}
