// The core's own process (started by electron/core-process.ts with a Node runtime): the local
// stack (or BATON_CONTROLLER) and the console gateway, as startCoreHost gives them. It says
// {ready} with the gateway's address over the IPC channel, and stops on {stop}, on SIGTERM or when
// the app that started it goes away (the IPC channel closes).
import { startCoreHost, type CoreHost } from './core-host.js';

export interface CoreReady {
  kind: 'ready';
  url: string;
  token: string;
  openUrl: string;
  describe: string;
}

export interface CoreFailed {
  kind: 'failed';
  message: string;
}

const send = (m: CoreReady | CoreFailed | { kind: 'log'; line: string }) => process.send?.(m);

async function main(): Promise<void> {
  let host: CoreHost;
  try {
    host = await startCoreHost({ log: (line) => send({ kind: 'log', line }) });
  } catch (e) {
    send({ kind: 'failed', message: (e as Error).message });
    process.disconnect?.();
    process.exitCode = 1;
    return;
  }
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= host.stop().finally(() => {
      if (process.connected) process.disconnect();
      process.exit(0);
    });
    return stopping;
  };
  process.on('message', (m: { kind?: string }) => {
    if (m?.kind === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  send({ kind: 'ready', url: host.gateway.url, token: host.gateway.token, openUrl: host.gateway.openUrl, describe: host.describe });
}

void main();
