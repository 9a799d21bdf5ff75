import { useEffect } from 'react';
import { envPath, navigate, useRoute, withQuery } from '../../app/router.js';
import { useConsoleStore } from '../../store/context.js';
import { isTyping, matchKey } from './shortcuts.js';

export function useShortcuts(): void {
  const store = useConsoleStore();
  const route = useRoute();
  useEffect(() => {
    let pending = '';
    let timer: ReturnType<typeof setTimeout> | null = null;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTyping(e.target) && e.key !== 'Escape') return;
      if (document.querySelector('[aria-modal="true"]') && e.key !== 'Escape' && e.key !== '?') return;
      const r = matchKey(pending, e.key);
      pending = r.pending;
      if (timer) clearTimeout(timer);
      if (pending)
        timer = setTimeout(() => {
          pending = '';
        }, 1500);
      const a = r.action;
      if (!a) return;
      const s = store.getState();
      switch (a.kind) {
        case 'cheatSheet':
          e.preventDefault();
          s.setCheatSheet(!s.cheatSheetOpen);
          break;
        case 'navigate':
          navigate(a.to);
          break;
        case 'theme':
          s.setTheme(s.theme === 'dark' ? 'light' : 'dark');
          break;
        case 'focusSearch': {
          const el = document.querySelector<HTMLElement>('[data-search]');
          if (el) {
            e.preventDefault();
            el.focus();
          }
          break;
        }
        case 'tab':
          if (route.name === 'env' && route.envId) navigate(envPath(route.envId, a.tab) + window.location.search);
          break;
        case 'close':
          if (s.cheatSheetOpen) s.setCheatSheet(false);
          else if (route.query.get('task')) navigate(withQuery('task', null));
          break;
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (timer) clearTimeout(timer);
    };
  }, [store, route]);
}
