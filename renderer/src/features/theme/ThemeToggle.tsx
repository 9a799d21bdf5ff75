import { useConsole } from '../../store/context.js';

export function ThemeToggle() {
  const theme = useConsole((s) => s.theme);
  const setTheme = useConsole((s) => s.setTheme);
  return (
    <button
      type="button"
      className="icon-button"
      aria-pressed={theme === 'dark'}
      onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
      title="Dark theme (t)"
    >
      {theme === 'dark' ? '☾' : '☀'} <span className="label">Dark theme</span>
    </button>
  );
}
