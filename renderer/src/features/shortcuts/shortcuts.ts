// Keyboard shortcuts: single keys and "g then x" sequences. Pure matching, so it is testable;
// useShortcuts binds it to the document. Never fires while typing in a field.

export type ShortcutAction =
  | { kind: 'navigate'; to: string }
  | { kind: 'cheatSheet' }
  | { kind: 'theme' }
  | { kind: 'focusSearch' }
  | { kind: 'tab'; tab: 'overview' | 'graph' | 'tasks' }
  | { kind: 'close' };

export interface Shortcut {
  keys: string;
  description: string;
  action: ShortcutAction;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: '?', description: 'Show or hide this list', action: { kind: 'cheatSheet' } },
  { keys: 'g e', description: 'Go to environments', action: { kind: 'navigate', to: '/' } },
  { keys: 'g n', description: 'Go to nodes', action: { kind: 'navigate', to: '/nodes' } },
  { keys: 'g r', description: 'Go to runs', action: { kind: 'navigate', to: '/runs' } },
  { keys: 'g v', description: 'Go to events', action: { kind: 'navigate', to: '/events' } },
  { keys: 'g a', description: 'Go to the audit trail', action: { kind: 'navigate', to: '/audit' } },
  { keys: 'c', description: 'Create an environment', action: { kind: 'navigate', to: '/envs/new' } },
  { keys: '1', description: 'Environment: overview', action: { kind: 'tab', tab: 'overview' } },
  { keys: '2', description: 'Environment: graph', action: { kind: 'tab', tab: 'graph' } },
  { keys: '3', description: 'Environment: tasks', action: { kind: 'tab', tab: 'tasks' } },
  { keys: '/', description: 'Search (tasks, events)', action: { kind: 'focusSearch' } },
  { keys: 't', description: 'Switch light / dark theme', action: { kind: 'theme' } },
  { keys: 'Escape', description: 'Close the drawer or dialog', action: { kind: 'close' } },
];

/** Feeds one key; returns the action and the new pending prefix ('' or 'g'). */
export function matchKey(pending: string, key: string): { action: ShortcutAction | null; pending: string } {
  const seq = pending ? `${pending} ${key}` : key;
  const hit = SHORTCUTS.find((s) => s.keys === seq);
  if (hit) return { action: hit.action, pending: '' };
  if (!pending && SHORTCUTS.some((s) => s.keys.startsWith(`${key} `))) return { action: null, pending: key };
  return { action: null, pending: '' };
}

export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable === true;
}
