// The audit trail: every request that changed something (or tried to), newest first, with who
// made it, in which role, through which client, the arguments and the outcome. Filters by user,
// environment and time live in the URL; the list refreshes as new audit events arrive.
import { useEffect, useMemo, useState } from 'react';
import type { AuditRecord } from '../../../../core/rpc/gen/control.js';
import { call } from '../../api/client.js';
import { asBatonError } from '../../api/errors.js';
import type { BatonError } from '../../../../core/model/errors.js';
import { envPath, navigate, useRoute } from '../../app/router.js';
import { useConsole } from '../../store/context.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { Link } from '../../ui/Link.js';
import { formatDateTime } from '../../ui/format.js';
import { AUDIT_LIMIT, argsText, auditRequest, filterFromQuery, type AuditFilter } from './auditQuery.js';

function setQuery(patch: Partial<AuditFilter>) {
  const q = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (!v) q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(window.location.pathname + (s ? `?${s}` : ''), { replace: true });
}

export function AuditView() {
  const route = useRoute();
  const filter = filterFromQuery(route.query);
  const envs = useConsole((s) => s.envs);
  // a new audit event is a new record: fetch again
  const auditSeq = useConsole((s) => {
    for (let i = s.events.length - 1; i >= 0; i--) if (s.events[i]!.kind === 'audit') return s.events[i]!.seq;
    return 0;
  });
  const [records, setRecords] = useState<AuditRecord[] | null>(null);
  const [error, setError] = useState<BatonError | null>(null);
  const request = useMemo(() => auditRequest(filter), [filter.user, filter.env, filter.since, filter.until]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const ac = new AbortController();
    call('ListAudit', request, ac.signal)
      .then((r) => {
        setRecords(r.records);
        setError(null);
      })
      .catch((e) => {
        if ((e as Error).name !== 'AbortError') setError(asBatonError(e));
      });
    return () => ac.abort();
  }, [request, auditSeq]);

  return (
    <section className="page audit-page" aria-labelledby="audit-h">
      <header className="page-head">
        <h1 id="audit-h">Audit</h1>
      </header>
      <div className="filters" role="search" aria-label="Filter the audit trail">
        <label htmlFor="au-user">User</label>
        <input id="au-user" type="search" value={filter.user} onChange={(e) => setQuery({ user: e.target.value })} placeholder="any" />
        <label htmlFor="au-env">Environment</label>
        <input id="au-env" type="search" list="au-envs" value={filter.env} onChange={(e) => setQuery({ env: e.target.value })} placeholder="any" />
        <datalist id="au-envs">
          {[...envs.values()].map((e) => (
            <option key={e.id} value={e.id}>
              {e.name || e.id}
            </option>
          ))}
        </datalist>
        <label htmlFor="au-since">From</label>
        <input id="au-since" type="datetime-local" value={filter.since} onChange={(e) => setQuery({ since: e.target.value })} />
        <label htmlFor="au-until">To</label>
        <input id="au-until" type="datetime-local" value={filter.until} onChange={(e) => setQuery({ until: e.target.value })} />
        <span className="muted" role="status" aria-live="polite">
          {records === null ? 'Loading…' : `${records.length}${records.length >= AUDIT_LIMIT ? '+' : ''} records`}
        </span>
      </div>
      {error ? <ErrorDetailView detail={error.detail} title="The audit trail could not be read" /> : null}
      {records && records.length === 0 ? <p className="empty">No requests match these filters.</p> : null}
      {records && records.length > 0 ? (
        <table className="grid audit-grid">
          <caption className="sr-only">Audit records, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Client</th>
              <th scope="col">Request</th>
              <th scope="col">Environment</th>
              <th scope="col">Outcome</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr key={r.id} className={r.outcome === 'ok' ? '' : 'is-error'}>
                <td>
                  <time dateTime={new Date(r.timeMs).toISOString()}>{formatDateTime(r.timeMs)}</time>
                </td>
                <th scope="row">{r.user}</th>
                <td>{r.role}</td>
                <td>{r.client}</td>
                <td className="mono">{r.method}</td>
                <td>
                  {r.envId ? (
                    envs.has(r.envId) ? (
                      <Link href={envPath(r.envId)}>{envs.get(r.envId)!.name || r.envId}</Link>
                    ) : (
                      <span className="mono">{r.envId}</span>
                    )
                  ) : (
                    '–'
                  )}
                </td>
                <td>
                  <span className={`outcome ${r.outcome === 'ok' ? 'ok' : 'refused'}`}>{r.outcome}</span>
                </td>
                <td className="small">
                  {argsText(r.argsJson, r.envId)}
                  {r.message ? <div className="muted">{r.message}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
