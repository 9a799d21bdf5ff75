// Search the logs of every task of an environment (SearchLogs: one call per agent, merged by the
// agents' capture times); each result links to its line in its task's log.
import { useState } from 'react';
import type { SearchLogsReply } from '../../../../core/rpc/gen/control.js';
import { call } from '../../api/client.js';
import { asBatonError } from '../../api/errors.js';
import { envPath, navigate } from '../../app/router.js';
import { clockOf, markerLabel } from './logPages.js';

const LIMIT = 500;

export function LogSearch({ envId }: { envId: string }) {
  const [grep, setGrep] = useState('');
  const [regex, setRegex] = useState(false);
  const [reply, setReply] = useState<SearchLogsReply | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const search = async () => {
    if (!grep) return;
    setBusy(true);
    setError('');
    try {
      setReply(await call('SearchLogs', { envId, grep, regex, limit: LIMIT, markers: true }));
    } catch (e) {
      setReply(null);
      setError(asBatonError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="log-search" aria-labelledby="log-search-h">
      <h3 id="log-search-h">Search all task logs</h3>
      <form
        role="search"
        aria-label="Search the environment's logs"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <label htmlFor={`env-log-search-${envId}`} className="sr-only">
          Search all task logs
        </label>
        <input id={`env-log-search-${envId}`} type="search" placeholder="text in any task's log" value={grep} onChange={(e) => setGrep(e.target.value)} />
        <label className="check">
          <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.target.checked)} /> Regular expression
        </label>
        <button type="submit" disabled={busy || !grep}>
          Search logs
        </button>
      </form>
      {error ? <p role="alert">{error}</p> : null}
      {reply ? (
        <>
          <p role="status">
            {reply.entries.length} line{reply.entries.length === 1 ? '' : 's'} in {reply.tasks} task{reply.tasks === 1 ? '' : 's'}
            {reply.truncated ? ` (only the first ${reply.entries.length}: narrow the search)` : ''}
            {reply.unavailable.length ? `; not searched: ${reply.unavailable.map((u) => u.node).join(', ')}` : ''}
          </p>
          <ol className="log-search-results" aria-label="Log search results">
            {reply.entries.map((e, i) => (
              <li key={i}>
                <span className="log-time">{clockOf(e.timeMs)}</span>{' '}
                <a
                  href={`${envPath(envId, 'tasks')}?task=${encodeURIComponent(e.taskId)}&line=${e.position}`}
                  onClick={(ev) => {
                    ev.preventDefault();
                    navigate(`${envPath(envId, 'tasks')}?task=${encodeURIComponent(e.taskId)}&line=${e.position}`);
                  }}
                >
                  {e.taskName || e.taskId}
                </a>{' '}
                <span className="mono">{e.marker ? `${markerLabel(e.marker)}: ${e.text}` : e.text}</span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
