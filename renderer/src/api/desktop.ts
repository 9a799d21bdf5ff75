// What the Electron preload exposes (electron/preload.ts): desktop extras only. Absent in a browser.
export interface DesktopBridge {
  /** the gateway's address and the console token */
  gateway(): Promise<{ url: string; token: string }>;
  notify(title: string, body: string): Promise<void>;
  /** asks where to save, writes the text; false when the user cancelled */
  saveFile(suggestedName: string, text: string): Promise<boolean>;
}

declare global {
  interface Window {
    batonDesktop?: DesktopBridge;
  }
}

export function desktop(): DesktopBridge | undefined {
  return typeof window !== 'undefined' ? window.batonDesktop : undefined;
}
