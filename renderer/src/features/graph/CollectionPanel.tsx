// A collection box of the graph, opened: the state counts of all its members, the summed rates of
// the channels crossing its border, and its members 50 at a time (previous/next, a name search).
// Each member opens its task. Only one page of rows is ever in the DOM, whatever the size.
import { useDeferredValue, useState } from 'react';
import { formatByteRate, formatRate } from '../../ui/format.js';
import { StateChip } from '../../ui/StateChip.js';
import { COLLECTION_PAGE_SIZE } from './collection.js';
import { useCollectionPage } from './useCollectionPage.js';

const count = (n: number) => n.toLocaleString('en');

export function CollectionPanel({
  envId,
  path,
  label,
  onOpenTask,
  onClose,
}: {
  envId: string;
  path: string;
  label: string;
  onOpenTask(taskId: string): void;
  onClose(): void;
}) {
  const [query, setQuery] = useState('');
  const [offset, setOffset] = useState(0);
  const deferredQuery = useDeferredValue(query);
  const page = useCollectionPage(envId, path, deferredQuery, offset);
  // a big collection's first page comes from the controller: the panel shows once it is here
  if (!page) return null;
  const states = Object.entries(page.byState).sort((a, b) => b[1] - a[1]);
  const first = page.matched ? page.offset + 1 : 0;
  const last = page.offset + page.rows.length;
  return (
    <section className="collection-panel" role="region" aria-label={`Collection ${label}`}>
      <header className="collection-head">
        <h3>
          {label} <span className="small">{count(page.total)} tasks</span>
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <p className="counts" aria-label={`States of ${label}`}>
        {states.map(([s, n]) => (
          <span key={s} className={`count state-${s.toLowerCase()}`}>
            {count(n)} {s}
          </span>
        ))}
        {page.lost ? <span className="count state-error">{count(page.lost)} lost</span> : null}
      </p>
      {page.rates.length ? (
        <table className="grid compact">
          <caption className="sr-only">Channels of {label}, summed over its members</caption>
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Direction</th>
              <th scope="col">Edges</th>
              <th scope="col">Messages</th>
              <th scope="col">Bytes</th>
            </tr>
          </thead>
          <tbody>
            {page.rates.map((r) => (
              <tr key={`${r.direction}:${r.channel}`}>
                <td className="mono">{r.channel}</td>
                <td>{r.direction === 'out' ? 'out of the collection' : 'into the collection'}</td>
                <td>{count(r.edges)}</td>
                <td>{formatRate(r.msgRate)}</td>
                <td>{formatByteRate(r.byteRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted small">No channel crosses this collection's border.</p>
      )}
      <div className="collection-paging">
        <input
          type="search"
          aria-label={`Search the members of ${label}`}
          placeholder="Search by name"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setOffset(0);
          }}
        />
        <span role="status" className="small">
          showing {count(first)}–{count(last)} of {count(page.matched)}
          {page.matched !== page.total ? ` matching (${count(page.total)} in all)` : ''}
        </span>
        <button type="button" disabled={page.offset === 0} onClick={() => setOffset(Math.max(0, page.offset - COLLECTION_PAGE_SIZE))}>
          Previous
        </button>
        <button type="button" disabled={last >= page.matched} onClick={() => setOffset(page.offset + COLLECTION_PAGE_SIZE)}>
          Next
        </button>
      </div>
      <ul className="collection-members" aria-label={`Members of ${label}`}>
        {page.rows.map((m) => (
          <li key={m.path}>
            <button type="button" className="link" disabled={!m.taskId} onClick={() => onOpenTask(m.taskId)}>
              {m.name}
            </button>{' '}
            <StateChip state={m.state} />
          </li>
        ))}
      </ul>
    </section>
  );
}
