// The desktop app (Electron main process). Runs the core (local stack or BATON_CONTROLLER, and the
// console gateway) in a child process with a Node runtime (core-process.ts, node-runtime.ts: no
// native module is loaded in this process), then shows the same renderer a browser gets, with Electron's security on:
// context isolation, sandbox, no Node in the page, a CSP, navigation and new windows kept to the
// gateway's origin (one: a popped-out log, window-policy.ts), permissions denied but notifications, and a preload that exposes only a few
// desktop extras (electron/preload.ts) through an allowlisted IPC.
import { app, BrowserWindow, dialog, ipcMain, Notification, session, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentSecurityPolicy } from '../core/gateway/http.js';
import { startCoreProcess, type CoreProcess } from './core-process.js';
import { findCoreRuntime } from './node-runtime.js';
import { decideWindowOpen } from './window-policy.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MAX_SAVE_BYTES = 512 * 1024 * 1024;
let host: CoreProcess | null = null;
let origin = '';

app.enableSandbox();

function sameOrigin(url: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** IPC is answered only for our own page (not for anything it might have been navigated to). */
function fromOurPage(e: IpcMainInvokeEvent): boolean {
  return Boolean(e.senderFrame && sameOrigin(e.senderFrame.url));
}

function registerIpc(): void {
  ipcMain.handle('baton:gateway', (e) => {
    if (!fromOurPage(e) || !host) throw new Error('refused');
    return { url: host.gateway.url, token: host.gateway.token };
  });
  ipcMain.handle('baton:notify', (e, title: unknown, body: unknown) => {
    if (!fromOurPage(e)) throw new Error('refused');
    if (Notification.isSupported()) new Notification({ title: String(title).slice(0, 200), body: String(body).slice(0, 1000) }).show();
  });
  ipcMain.handle('baton:save-file', async (e, name: unknown, text: unknown) => {
    if (!fromOurPage(e)) throw new Error('refused');
    const content = String(text);
    if (Buffer.byteLength(content) > MAX_SAVE_BYTES) throw new Error('too large to save');
    const win = BrowserWindow.fromWebContents(e.sender);
    const opts = { defaultPath: path.basename(String(name)).replace(/[^\w.-]+/g, '_') || 'baton.log' };
    const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
    if (r.canceled || !r.filePath) return false;
    await writeFile(r.filePath, content);
    return true;
  });
}

/** every window of the app: Electron's security on (the main window and a popped-out log) */
const WEB_PREFERENCES = {
  preload: path.join(here, 'preload.js'),
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  devTools: !app.isPackaged,
};

function harden(contents: WebContents): void {
  contents.on('will-navigate', (e, url) => {
    if (!sameOrigin(url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!sameOrigin(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // one window of our own: a popped-out log, with the same hardened preferences (and hardened
    // itself by web-contents-created); a link elsewhere (docs) opens in the system browser
    const decision = decideWindowOpen(url, origin);
    if (decision === 'log-pop-out') return { action: 'allow', overrideBrowserWindowOptions: { width: 1100, height: 760, webPreferences: WEB_PREFERENCES } };
    if (decision === 'external') void shell.openExternal(url);
    return { action: 'deny' };
  });
}

function hardenSession(): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((wc, permission, cb) => cb(permission === 'notifications' && sameOrigin(wc.getURL())));
  s.setPermissionCheckHandler((_wc, permission, requestingOrigin) => permission === 'notifications' && requestingOrigin === origin);
  // the gateway sends its CSP; anything else the window loads gets one too
  s.webRequest.onHeadersReceived((details, cb) => {
    const headers = { ...details.responseHeaders };
    const has = Object.keys(headers).some((k) => k.toLowerCase() === 'content-security-policy');
    if (!has) headers['Content-Security-Policy'] = [contentSecurityPolicy(new URL(origin).host)];
    cb({ responseHeaders: headers });
  });
}

async function createWindow(): Promise<void> {
  const win = new BrowserWindow({
    width: 1440,
    height: 920,
    show: false,
    title: 'Baton',
    backgroundColor: '#f6f7f9',
    webPreferences: WEB_PREFERENCES,
  });
  harden(win.webContents);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(host!.gateway.url);
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  try {
    const runtime = findCoreRuntime({ env: process.env, packaged: app.isPackaged, execPath: process.execPath });
    host = await startCoreProcess(runtime, { log: (l) => console.log(`baton: ${l}`) });
  } catch (e) {
    dialog.showErrorBox('Baton could not start', (e as Error).message);
    app.exit(1);
    return;
  }
  origin = new URL(host.gateway.url).origin;
  console.log(`baton: console ${host.gateway.url} (${host.describe})`);
  hardenSession();
  registerIpc();
  app.on('web-contents-created', (_e, wc) => harden(wc));
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
}

let quitting = false;
app.on('window-all-closed', () => app.quit());
app.on('before-quit', (e) => {
  if (quitting || !host) return;
  e.preventDefault();
  quitting = true;
  void host.stop().finally(() => app.quit());
});

void main();
