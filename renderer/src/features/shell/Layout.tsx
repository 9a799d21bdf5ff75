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
import { TrainingPanel } from '../training/TrainingPanel.js';
import { UserBadge } from './UserBadge.js';
import { AlertSettings } from '../alerts/AlertSettings.js';
import './liveness.css';
import { AlertWatcher } from '../alerts/AlertWatcher.js';
import { useAlerts, unackedCount } from '../alerts/alertStore.js';

const NAV = [
  { href: '/', label: 'Environments', match: ['envs', 'env', 'newEnv'] },
  { href: '/nodes', label: 'Nodes', match: ['nodes'] },
  { href: '/runs', label: 'Runs', match: ['runs'] },
  { href: '/events', label: 'Events', match: ['events'] },
  { href: '/audit', label: 'Audit', match: ['audit'] },
  // only on a training stack (the page itself says why nothing starts elsewhere)
  { href: '/training', label: 'Training', match: ['training'], trainingOnly: true },
];

export function Layout({ children }: { children: ReactNode }) {
  const route = useRoute();
  const setCheatSheet = useConsole((s) => s.setCheatSheet);
  const status = useConsole((s) => s.connection.status);
  const unacked = useAlerts(unackedCount);
  const training = useConsole((s) => s.info?.training ?? false);
  // the link to the controller is down: what the page shows may be out of date, and no action
  // can reach the controller, so the page is greyed, says so, and its controls are disabled
  const stale = status === 'reconnecting' || status === 'offline';
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
            {NAV.filter((n) => training || !n.trainingOnly).map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={n.match.includes(route.name) ? 'page' : undefined}>
                  {n.label}
                  {n.href === '/events' && unacked ? (
                    <>
                      <span className="nav-badge" aria-hidden="true">
                        {unacked}
                      </span>
                      <span className="sr-only">{`, ${unacked} unacknowledged error${unacked === 1 ? '' : 's'}`}</span>
                    </>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-right">
          <AlertSettings />
          <UserBadge />
          <ConnectionBadge />
          <ThemeToggle />
          <button type="button" className="icon-button" onClick={() => setCheatSheet(true)} title="Keyboard shortcuts (?)">
            <span aria-hidden="true">⌨</span> <span className="label">Shortcuts</span>
          </button>
        </div>
      </header>
      <TrainingBanner />
      <main id="main" tabIndex={-1} className={stale ? 'is-stale' : undefined} aria-describedby={stale ? 'stale-note' : undefined}>
        {stale ? (
          <p id="stale-note" className="stale-note" role="alert">
            Not connected to the controller: what this page shows may be out of date, and actions are disabled until the link is back.
          </p>
        ) : null}
        <fieldset className="page-frame" disabled={stale}>
          {children}
        </fieldset>
      </main>
      <TrainingPanel />
      <AlertWatcher />
      <Notifications />
      <CheatSheet />
    </div>
  );
}
