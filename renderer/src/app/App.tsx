// The console: the shell and the page for the current route.
import { lazy, Suspense, useEffect } from 'react';
import { useConsole } from '../store/context.js';
import { EnvironmentsView } from '../features/environments/EnvironmentsView.js';
import { CreateEnvironmentView } from '../features/environments/CreateEnvironmentView.js';
import { EnvPage } from '../features/env-detail/EnvPage.js';
import { RunsView } from '../features/runs/RunsView.js';
import { EventsView } from '../features/events/EventsView.js';
import { AuditView } from '../features/audit/AuditView.js';
import { TrainingPage } from '../features/training/TrainingPage.js';
import { Layout } from '../features/shell/Layout.js';
import { LogPopOut } from '../features/logs/LogPopOut.js';
import { NotSignedIn } from '../features/shell/NotSignedIn.js';
import { applyTheme } from '../features/theme/theme.js';
import { useShortcuts } from '../features/shortcuts/useShortcuts.js';
import { Link } from '../ui/Link.js';
import { useRoute } from './router.js';
import { useAlerts, unackedCount } from '../features/alerts/alertStore.js';

// the charts library is big: loaded when the nodes view is first opened
const NodesView = lazy(() => import('../features/nodes/NodesView.js').then((m) => ({ default: m.NodesView })));

const TITLES: Record<string, string> = {
  envs: 'Environments',
  newEnv: 'Create environment',
  env: 'Environment',
  nodes: 'Nodes',
  runs: 'Runs',
  events: 'Events',
  audit: 'Audit',
  training: 'Training',
  logPopOut: 'Log',
  notFound: 'Not found',
};

function Page() {
  const route = useRoute();
  switch (route.name) {
    case 'envs':
      return <EnvironmentsView />;
    case 'newEnv':
      return <CreateEnvironmentView />;
    case 'env':
      return <EnvPage envId={route.envId!} tab={route.tab ?? 'overview'} taskId={route.query.get('task')} />;
    case 'nodes':
      return (
        <Suspense
          fallback={
            <p role="status" className="page">
              Loading…
            </p>
          }
        >
          <NodesView />
        </Suspense>
      );
    case 'runs':
      return <RunsView />;
    case 'events':
      return <EventsView />;
    case 'audit':
      return <AuditView />;
    case 'training':
      return <TrainingPage />;
    default:
      return (
        <section className="page">
          <h1>Not found</h1>
          <p>
            No page at {route.path}. <Link href="/">Environments</Link>
          </p>
        </section>
      );
  }
}

export function App() {
  const theme = useConsole((s) => s.theme);
  const status = useConsole((s) => s.connection.status);
  const route = useRoute();
  const unacked = useAlerts(unackedCount);
  // an environment's page is titled by its name (the workflow is shared by many environments)
  const envName = useConsole((s) => (route.envId ? s.envs.get(route.envId)?.name : undefined));
  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => {
    if (route.name === 'logPopOut') return; // titled by the log it shows (LogPopOut.tsx)
    // the count of unacknowledged errors leads the title: visible on a background tab
    const alert = unacked ? `(${unacked}) ` : '';
    document.title = `${alert}${route.name === 'env' && route.envId ? envName || route.envId : TITLES[route.name]} · Baton`;
  }, [route, unacked, envName]);
  useShortcuts();
  if (status === 'unauthenticated') return <NotSignedIn />;
  // a popped-out log: the viewer alone, no shell
  if (route.name === 'logPopOut') return <LogPopOut taskId={route.query.get('task')} taskName={route.query.get('name') ?? ''} />;
  return (
    <Layout>
      <Page />
    </Layout>
  );
}
