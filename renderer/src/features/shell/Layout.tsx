// The frame around every page: a skip link, the header (navigation, who you are, connection state,
// theme, shortcuts), the main region, notifications and the shortcut cheat sheet.
import type { ReactNode } from 'react';
import { useRoute } from '../../app/router.js';
import { useConsole } from '../../store/context.js';
import { Link } from '../../ui/Link.js';
import { CheatSheet } from '../shortcuts/CheatSheet.js';
import { ThemeToggle } from '../theme/ThemeToggle.js';
import { ConnectionBadge } from './ConnectionBadge.js';
import { Notifications } from './Notifications.js';
import { TrainingBanner } from './TrainingBanner.js';
import { UserBadge } from './UserBadge.js';

const NAV = [
  { href: '/', label: 'Environments', match: ['envs', 'env', 'newEnv'] },
  { href: '/nodes', label: 'Nodes', match: ['nodes'] },
  { href: '/runs', label: 'Runs', match: ['runs'] },
  { href: '/events', label: 'Events', match: ['events'] },
  { href: '/audit', label: 'Audit', match: ['audit'] },
];

export function Layout({ children }: { children: ReactNode }) {
  const route = useRoute();
  const setCheatSheet = useConsole((s) => s.setCheatSheet);
  return (
    <div className="app">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Baton console home">
          <span aria-hidden="true" className="logo">
            ◢
          </span>{' '}
          Baton
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={n.match.includes(route.name) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-right">
          <UserBadge />
          <ConnectionBadge />
          <ThemeToggle />
          <button type="button" className="icon-button" onClick={() => setCheatSheet(true)} title="Keyboard shortcuts (?)">
            <span aria-hidden="true">⌨</span> <span className="label">Shortcuts</span>
          </button>
        </div>
      </header>
      <TrainingBanner />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <Notifications />
      <CheatSheet />
    </div>
  );
}
