// One environment: state, run number, transition buttons with progress and errors, and its tabs
// (overview, dataflow graph, tasks). The task drawer opens on ?task=<id>.
import { EnvRunStatus } from '../runs/EnvRunStatus.js';
import { lazy, Suspense, useEffect, useState } from 'react';
import { envPath, navigate, type EnvTab } from '../../app/router.js';
import { useConsole } from '../../store/context.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { Link } from '../../ui/Link.js';
import { ProgressBar } from '../../ui/ProgressBar.js';
import { StateChip } from '../../ui/StateChip.js';
import { detailFromWire } from '../../api/errors.js';
import { formatDuration } from '../../ui/format.js';
import { useSync } from '../shell/services.js';
import { TaskTable } from '../tasks/TaskTable.js';
import { TaskDrawer } from '../tasks/TaskDrawer.js';
import { LogSearch } from '../logs/LogSearch.js';
import { reapsOfEnv } from '../../store/reaps.js';
import { DestroyedPanel } from './DestroyedPanel.js';
import { HealthBanners } from './HealthBanners.js';
import { Overview } from './Overview.js';
import { TransitionBar } from './TransitionBar.js';
import { useTransition } from './useTransition.js';
import { HoldBar } from '../holds/HoldBar.js';

const GraphView = lazy(() => import('../graph/GraphView.js'));
// the charts library is big: loaded with the first chart
const ChannelRatesPanel = lazy(() => import('../history/ChannelRatesPanel.js'));

const TABS: { tab: EnvTab; label: string }[] = [
  { tab: 'overview', label: 'Overview' },
  { tab: 'graph', label: 'Graph' },
  { tab: 'tasks', label: 'Tasks' },
];

/** opens (or closes) the task drawer; a search result's ?line= is for the task it was opened with */
function openTask(id: string | null): void {
  const q = new URLSearchParams(window.location.search);
  q.delete('line');
  if (id) q.set('task', id);
  else q.delete('task');
  const s = q.toString();
  navigate(window.location.pathname + (s ? `?${s}` : ''));
}

export function EnvPage({ envId, tab, taskId }: { envId: string; tab: EnvTab; taskId: string | null }) {
  const sync = useSync();
  const env = useConsole((s) => s.envs.get(envId));
  const progress = useConsole((s) => s.progress.get(envId));
  const [missing, setMissing] = useState(false);
  // shown, then gone from the store: destroyed (env.destroyed) while this page was open
  const [seen, setSeen] = useState(false);
  const awaitingReap = useConsole((s) => reapsOfEnv(s.awaitingReap, envId).length > 0);
  const { run, running, outcome, clearOutcome } = useTransition(envId);

  useEffect(() => {
    if (env && !seen) setSeen(true);
  }, [env, seen]);
  // the graph and the overview draw the role tree (at 150,000 tasks a big reply): fetched for
  // them only, the task table needs none; before the first fetch below, which then brings it
  const drawsTree = tab !== 'tasks';
  useEffect(() => (drawsTree ? sync.wantTree(envId) : undefined), [envId, sync, drawsTree]);
  useEffect(() => {
    setMissing(false);
    setSeen(false);
    const unwatch = sync.watch(envId);
    sync.load(envId).catch((e) => {
      if ((e as { code?: string }).code === 'NOT_FOUND') setMissing(true);
    });
    return unwatch;
  }, [envId, sync]);

  if (!env) {
    return (
      <section className="page" aria-labelledby="env-h">
        <h1 id="env-h">Environment {envId}</h1>
        {awaitingReap ? (
          <DestroyedPanel envId={envId} />
        ) : missing || seen ? (
          <p>
            No environment {envId} (it may have been destroyed). <Link href="/">All environments</Link>
          </p>
        ) : (
          <p role="status">Loading…</p>
        )}
      </section>
    );
  }
  const label = env.name || env.id;
  const busy = Boolean(running || progress || env.transition);
  const p = progress ?? (env.transition ? { transition: env.transition, done: 0, total: 0, phase: '', startedMs: 0 } : undefined);
  const envError = env.state === 'ERROR' && env.error ? detailFromWire(env.error) : null;
  return (
    <section className="page env-page" aria-labelledby="env-h">
      <header className="page-head">
        <div>
          <p className="breadcrumb">
            <Link href="/">Environments</Link> / {env.workflow}
          </p>
          <h1 id="env-h">{label}</h1>
        </div>
        <section className="env-status" aria-label="Environment status" aria-live="polite">
          <StateChip state={env.state} />
          <EnvRunStatus envId={env.id} runNumber={env.runNumber} />
          {env.degraded ? <span className="badge warn">degraded</span> : null}
        </section>
      </header>
      <HoldBar env={env} />
      <TransitionBar state={env.state} busy={busy} envLabel={label} runNumber={env.runNumber} onRun={run} />
      {p ? <ProgressBar label={`${p.transition}${p.phase && p.phase !== 'begin' ? ` (${p.phase})` : ''}`} done={p.done} total={p.total} /> : null}
      <HealthBanners env={env} />
      {outcome && !outcome.ok && outcome.error ? (
        <div className="outcome">
          <ErrorDetailView detail={outcome.error} title={`${outcome.transition} failed`} />
          <button type="button" onClick={clearOutcome}>
            Dismiss
          </button>
        </div>
      ) : null}
      {outcome?.ok ? (
        <p role="status" className="outcome-ok">
          {outcome.transition} done{outcome.durationMs ? ` in ${formatDuration(outcome.durationMs)}` : ''}
          {outcome.state ? `: ${outcome.state}` : ''}.
        </p>
      ) : null}
      {envError && !(outcome && !outcome.ok) ? (
        <div className="env-error">
          <ErrorDetailView detail={envError} title="Why this environment is in ERROR" />
          <p className="hint">RECOVER restarts the failed tasks, keeps the healthy ones and brings the environment back to DEPLOYED.</p>
        </div>
      ) : null}
      <nav className="tabs" aria-label="Environment views">
        {TABS.map((t) => (
          <Link
            key={t.tab}
            href={envPath(envId, t.tab) + (taskId ? `?task=${encodeURIComponent(taskId)}` : '')}
            aria-current={tab === t.tab ? 'page' : undefined}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <div className="tab-body">
        {tab === 'overview' ? <Overview env={env} /> : null}
        {tab === 'overview' ? (
          <Suspense fallback={<p role="status">Loading the charts…</p>}>
            <ChannelRatesPanel envId={envId} />
          </Suspense>
        ) : null}
        {tab === 'graph' ? (
          <Suspense fallback={<p role="status">Loading the graph…</p>}>
            <GraphView envId={envId} onOpenTask={(id) => openTask(id)} />
          </Suspense>
        ) : null}
        {tab === 'tasks' ? <TaskTable envId={envId} onOpenTask={(id) => openTask(id)} /> : null}
        {tab === 'tasks' ? <LogSearch envId={envId} /> : null}
      </div>
      {taskId ? <TaskDrawer taskId={taskId} onClose={() => openTask(null)} /> : null}
    </section>
  );
}
