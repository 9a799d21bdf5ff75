// Run history: number, environment, start, end, duration, who, state.
import { useEffect, useMemo } from 'react';
import { envPath } from '../../app/router.js';
import { useConsole } from '../../store/context.js';
import { Link } from '../../ui/Link.js';
import { formatDateTime, formatDuration } from '../../ui/format.js';
import { useSync } from '../shell/services.js';
import { useNow } from '../shell/useNow.js';

export function RunsView() {
  const sync = useSync();
  const runs = useConsole((s) => s.runs);
  const envs = useConsole((s) => s.envs);
  const now = useNow(1000);
  useEffect(() => {
    void sync.runs();
  }, [sync]);
  const list = useMemo(() => [...runs].sort((a, b) => b.runNumber - a.runNumber), [runs]);
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
              <th scope="col">Workflow</th>
              <th scope="col">State</th>
              <th scope="col">Started</th>
              <th scope="col">Stopped</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col">Who</th>
              <th scope="col" className="num">
                Tasks
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.runNumber}>
                <th scope="row" className="num">
                  {r.runNumber}
                </th>
                <td>
                  {envs.has(r.envId) ? <Link href={envPath(r.envId)}>{envs.get(r.envId)!.name || r.envId}</Link> : <span className="mono">{r.envId}</span>}
                </td>
                <td>{r.workflow}</td>
                <td>
                  <span className={`state state-${r.state === 'open' ? 'running' : r.state === 'aborted' ? 'error' : 'done'}`}>{r.state}</span>
                </td>
                <td>{formatDateTime(r.startedMs)}</td>
                <td>{r.stoppedMs ? formatDateTime(r.stoppedMs) : '–'}</td>
                <td className="num">{formatDuration((r.stoppedMs || now) - r.startedMs)}</td>
                <td>{r.owner || '–'}</td>
                <td className="num">{r.tasks}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
