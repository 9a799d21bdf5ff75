// The task table's data: the window of rows on screen from the paged ListTasks (taskWindow.ts),
// its tasks put in the store (so the event stream keeps those rows live), refetched when the
// environment is refreshed (the event stream asks for that, throttled, on every task change).
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Task } from '../../../../core/rpc/gen/control.js';
import { call } from '../../api/client.js';
import { useConsole, useConsoleStore } from '../../store/context.js';
import { queryKey, TaskWindowLoader, type TableQuery, type TaskPage } from './taskWindow.js';

export interface TaskWindow {
  /** null until the first window arrived */
  page: TaskPage | null;
  /** the task at a row index, when that row is in the window held */
  rowAt(index: number): Task | undefined;
  /** the rows on screen: fetches the window around them if it is not held */
  show(first: number, last: number): void;
  error: string;
}

export function useTaskWindow(query: TableQuery): TaskWindow {
  const store = useConsoleStore();
  const [page, setPage] = useState<TaskPage | null>(null);
  const [error, setError] = useState('');
  const taskMap = useConsole((s) => s.tasks);
  // a new environment object: a refresh from the server (counts, state) after task changes
  const env = useConsole((s) => s.envs.get(query.envId));
  const key = queryKey(query);
  const queryRef = useRef(query);
  queryRef.current = query;
  const shownRef = useRef({ first: 0, last: 0 });
  const loader = useMemo(
    () =>
      new TaskWindowLoader(
        (req) => call('ListTasks', req),
        (p, tasks) => {
          store.getState().setTasks(query.envId, tasks);
          setPage(p);
          setError('');
        },
        (e) => setError((e as Error).message),
      ),
    [store, query.envId],
  );
  useEffect(() => () => loader.stop(), [loader]);
  // a new filter or sort: from the top, at once
  useEffect(() => {
    loader.show(queryRef.current, shownRef.current.first, shownRef.current.last);
  }, [loader, key]);
  // the environment as first seen came with the page: only later versions mean a change
  const firstEnv = useRef(env);
  useEffect(() => {
    if (env && env !== firstEnv.current) loader.changed();
  }, [loader, env]);
  return {
    page,
    error,
    rowAt: (index) => {
      if (!page || index < page.offset || index >= page.offset + page.ids.length) return undefined;
      return taskMap.get(page.ids[index - page.offset]!);
    },
    show: (first, last) => {
      shownRef.current = { first, last };
      loader.show(queryRef.current, first, last);
    },
  };
}
