// Run history: number, environment name, run type, state, times, who started and stopped it, why
// it ended. A run's number opens its record (configuration, comments, events) beside the table;
// the URL keeps it (/runs?run=N).
import { useEffect, useMemo } from 'react';
import { envPath, navigate, useRoute, withQuery } from '../../app/router.js';
import { useConsole } from '../../store/context.js';
import { Link } from '../../ui/Link.js';
import { formatDateTime, formatDuration } from '../../ui/format.js';
import { useSync } from '../shell/services.js';
import { useNow } from '../shell/useNow.js';
import { RunPanel } from './RunPanel.js';
import { runPath, runStateClass } from './runLinks.js';

export function RunsView() {
  const sync = useSync();
  const route = useRoute();
  const runs = useConsole((s) => s.runs);
  const envs = useConsole((s) => s.envs);
  const now = useNow(1000);
  useEffect(() => {
    void sync.runs();
  }, [sync]);
  const list = useMemo(() => [...runs].sort((a, b) => b.runNumber - a.runNumber), [runs]);
  const selected = Number(route.query.get('run') ?? '') || 0;
  return (
    <section className="page" aria-labelledby="runs-h">
      <header className="page-head">
        <h1 id="runs-h">Runs</h1>
      </header>
      {list.length === 0 ? (
        <p className="empty">No runs yet. A run starts with START_ACTIVITY.</p>
      ) : (
        <table className="grid">
          <caption className="sr-only">Runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Run
              </th>
              <th scope="col">Environment</th>
              <th scope="col">Type</th>
              <th scope="col">State</th>
              <th scope="col">Started</th>
              <th scope="col">Stopped</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col">Started by</th>
              <th scope="col">Stopped by</th>
              <th scope="col">End reason</th>
              <th scope="col" className="num">
                Tasks
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.runNumber} aria-selected={r.runNumber === selected || undefined}>
                <th scope="row" className="num">
                  <Link href={runPath(r.runNumber)} aria-label={`Run ${r.runNumber}: its record`}>
                    {r.runNumber}
                  </Link>
                </th>
                <td>
                  {envs.has(r.envId) ? (
                    <Link href={envPath(r.envId)}>{r.envName || envs.get(r.envId)!.name || r.envId}</Link>
                  ) : (
                    <span>{r.envName || <span className="mono">{r.envId}</span>}</span>
                  )}
                  {r.envName && r.envName !== r.workflow ? <div className="muted small">{r.workflow}</div> : null}
                </td>
                <td>{r.runType || '–'}</td>
                <td>
                  <span className={runStateClass(r.state)}>{r.state}</span>
                </td>
                <td>{formatDateTime(r.startedMs)}</td>
                <td>{r.stoppedMs ? formatDateTime(r.stoppedMs) : '–'}</td>
                <td className="num">{formatDuration((r.stoppedMs || now) - r.startedMs)}</td>
                <td>{r.startedBy || r.owner || '–'}</td>
                <td>{r.stoppedBy || '–'}</td>
                <td>{r.endReason || '–'}</td>
                <td className="num">{r.tasks}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected ? <RunPanel runNumber={selected} onClose={() => navigate(withQuery('run', null))} /> : null}
    </section>
  );
}
