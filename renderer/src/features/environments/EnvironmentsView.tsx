// The environments list: state, run number, task counts, age; the entry to create one.
import { useEffect, useMemo } from 'react';
import type { Environment } from '../../../../core/rpc/gen/control.js';
import { useSync } from '../shell/services.js';
import { useConsole } from '../../store/context.js';
import { Link } from '../../ui/Link.js';
import { StateChip } from '../../ui/StateChip.js';
import { formatAge } from '../../ui/format.js';
import { envPath } from '../../app/router.js';
import { useNow } from '../shell/useNow.js';

export function TaskCountsCell({ env }: { env: Environment }) {
  const c = env.counts;
  if (!c || !c.total) return <span className="muted">–</span>;
  const parts = Object.entries(c.byState).sort((a, b) => b[1] - a[1]);
  return (
    <span className="counts" aria-label={`${c.total} tasks: ${parts.map(([s, n]) => `${n} ${s}`).join(', ')}${c.lost ? `, ${c.lost} lost` : ''}`}>
      <strong>{c.total}</strong>
      {parts.map(([s, n]) => (
        <span key={s} className={`count state-${s.toLowerCase()}`}>
          {n} {s}
        </span>
      ))}
      {c.lost ? <span className="count state-error">{c.lost} lost</span> : null}
    </span>
  );
}

export function EnvironmentsView() {
  const sync = useSync();
  const envs = useConsole((s) => s.envs);
  const progress = useConsole((s) => s.progress);
  const now = useNow(10_000);
  useEffect(() => {
    void sync.envs();
  }, [sync]);
  const list = useMemo(() => [...envs.values()].sort((a, b) => b.createdMs - a.createdMs), [envs]);
  return (
    <section className="page" aria-labelledby="envs-h">
      <header className="page-head">
        <h1 id="envs-h">Environments</h1>
        <Link href="/envs/new" className="button primary">
          Create environment
        </Link>
      </header>
      {list.length === 0 ? (
        <p className="empty">No environments. Create one from a workflow to start.</p>
      ) : (
        <table className="grid">
          <caption className="sr-only">Environments, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Workflow</th>
              <th scope="col">State</th>
              <th scope="col">Run</th>
              <th scope="col">Tasks</th>
              <th scope="col">Age</th>
              <th scope="col">Owner</th>
            </tr>
          </thead>
          <tbody>
            {list.map((e) => {
              const p = progress.get(e.id);
              return (
                <tr key={e.id}>
                  <th scope="row">
                    <Link href={envPath(e.id)}>{e.name || e.id}</Link>
                    {e.name && e.name !== e.id ? <div className="muted mono small">{e.id}</div> : null}
                  </th>
                  <td>{e.workflow}</td>
                  <td>
                    <StateChip state={e.state} />
                    {e.degraded || e.unreachableNodes.length ? (
                      <span className="badge warn">degraded{e.unreachableNodes.length ? `: ${e.unreachableNodes.join(', ')} unreachable` : ''}</span>
                    ) : null}
                    {p || e.transition ? (
                      <span className="badge busy">
                        {p?.transition || e.transition}
                        {p && p.total ? ` ${p.done}/${p.total}` : '…'}
                      </span>
                    ) : null}
                  </td>
                  <td className="num">{e.runNumber ?? <span className="muted">–</span>}</td>
                  <td>
                    <TaskCountsCell env={e} />
                  </td>
                  <td>{formatAge(e.createdMs, now)}</td>
                  <td>{e.owner || <span className="muted">–</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
