// What `npm start` runs: the desktop app when Electron's binary is installed; otherwise (offline
// build machines, where Electron's download is not possible) the same console served to a browser
// by the gateway, connected to the local stack (or BATON_CONTROLLER), with its address printed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCoreHost } from './core-host.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function electronBinary(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null; // the electron package is there but its binary was never downloaded
  }
}

async function serveWeb(): Promise<void> {
  const listen = process.env.BATON_CONSOLE_LISTEN ?? '127.0.0.1:0';
  const host = await startCoreHost({ listen, log: (l) => console.error(`baton: ${l}`) });
  console.log(`Electron is not installed here: serving the web console instead.\n` + `Open ${host.gateway.openUrl}\n(${host.describe}; Ctrl-C stops it)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await host.stop();
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'dist-renderer', 'index.html'))) {
    console.error('baton: the console is not built: run `npm run build` first');
    process.exitCode = 2;
    return;
  }
  const bin = process.env.BATON_NO_ELECTRON ? null : electronBinary();
  if (!bin) {
    await serveWeb();
    return;
  }
  const child = spawn(bin, [root], { stdio: 'inherit', env: process.env });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => {
    process.exitCode = code ?? 0;
  });
}

main().catch((e) => {
  console.error(`baton: ${(e as Error).message}`);
  process.exitCode = 1;
});
