// The page of a collection the graph opened: worked out here from the role tree and the tasks the
// page holds (collection.ts), or, for a container the controller sent collapsed (too many tasks to
// send as roles), its members paged by the controller (ListTasks with the container's role), its
// state counts and border rates from what the tree says of it.
import { useEffect, useMemo, useState } from 'react';
import type { ListTasksReply } from '../../../../core/rpc/gen/control.js';
import { call } from '../../api/client.js';
import { useConsole } from '../../store/context.js';
import { borderRates, COLLECTION_PAGE_SIZE, collectionMembers, collectionPage, findRole, type CollectionPage } from './collection.js';
import { isCollapsedByServer } from './model.js';

/** null until the controller's first page arrives */
export function useCollectionPage(envId: string, path: string, query: string, offset: number): CollectionPage | null {
  const detail = useConsole((s) => s.details.get(envId));
  const tasks = useConsole((s) => s.tasks);
  const container = useMemo(() => findRole(detail?.root, path), [detail?.root, path]);
  const paged = container ? isCollapsedByServer(container) : false;
  const members = useMemo(() => (paged ? [] : collectionMembers(detail?.root, path)), [paged, detail?.root, path]);
  const local = useMemo(
    () => (paged ? null : collectionPage(members, tasks, detail?.graph, { query, offset })),
    [paged, members, tasks, detail?.graph, query, offset],
  );
  const [reply, setReply] = useState<{ offset: number; reply: ListTasksReply } | null>(null);
  // asked again with every refresh of the tree (detail): the members' states follow
  useEffect(() => {
    if (!paged) return;
    let live = true;
    call('ListTasks', { envId, role: path, search: query.trim(), offset, limit: COLLECTION_PAGE_SIZE }).then(
      (r) => {
        if (live) setReply({ offset, reply: r });
      },
      () => {
        /* the connection badge reports failures; the next refresh asks again */
      },
    );
    return () => {
      live = false;
    };
  }, [paged, envId, path, query, offset, detail]);
  if (!paged || !container) return local;
  // a new search or page keeps the last one shown until it arrives (no flicker)
  if (!reply) return null;
  return {
    total: container.leaves,
    matched: reply.reply.total,
    offset: reply.offset,
    rows: reply.reply.tasks.map((t) => ({ path: t.role || t.name, name: t.name, taskId: t.id, roleState: t.state, state: t.lost ? 'ERROR' : t.state })),
    byState: container.leafStates,
    lost: 0,
    rates: borderRates(new Set([path]), detail?.graph),
  };
}
