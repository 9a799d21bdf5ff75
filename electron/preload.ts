// The Electron preload (sandboxed, so a classic script with Electron's own `require`): exposes
// only desktop extras to the page, each through an allowlisted IPC channel. No Node, no IPC
// object, no arbitrary channel reaches the page. The shape is renderer/src/api/desktop.ts.
{
  const { contextBridge, ipcRenderer } = require('electron') as typeof import('electron');
  const ALLOWED = new Set(['baton:gateway', 'baton:notify', 'baton:save-file']);
  const invoke = (channel: string, ...args: unknown[]): Promise<unknown> => {
    if (!ALLOWED.has(channel)) return Promise.reject(new Error(`channel ${channel} is not allowed`));
    return ipcRenderer.invoke(channel, ...args);
  };
  contextBridge.exposeInMainWorld(
    'batonDesktop',
    Object.freeze({
      gateway: () => invoke('baton:gateway') as Promise<{ url: string; token: string }>,
      notify: (title: string, body: string) => invoke('baton:notify', String(title), String(body)).then(() => undefined),
      saveFile: (suggestedName: string, text: string) => invoke('baton:save-file', String(suggestedName), String(text)) as Promise<boolean>,
    }),
  );
}
