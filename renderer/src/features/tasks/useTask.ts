// One task, for its drawer: from the store when the page holds it (a row of the task table's
// window, kept live by the event stream), else fetched by id (ListTasks ids: a drawer opened from
// the graph, a search result or a link), and fetched again whenever its environment is refreshed
// (the event stream asks for that, throttled, on every task change).
import { useEffect, useState } from 'react';
import type { Task } from '../../../../core/rpc/gen/control.js';
import { call } from '../../api/client.js';
import { useConsole } from '../../store/context.js';

/** the task; undefined while on its way; null when the controller has no such task */
export function useTask(taskId: string): Task | undefined | null {
  const stored = useConsole((s) => s.tasks.get(taskId));
  const [fetched, setFetched] = useState<{ id: string; task: Task | null } | null>(null);
  const own = fetched?.id === taskId ? fetched.task : undefined;
  // a new object after each refresh of the task's environment
  const env = useConsole((s) => (own ? s.envs.get(own.envId) : undefined));
  const held = Boolean(stored);
  useEffect(() => {
    if (held) return;
    let live = true;
    call('ListTasks', { ids: [taskId], limit: 1 }).then(
      (reply) => {
        if (live) setFetched({ id: taskId, task: reply.tasks[0] ?? null });
      },
      () => {
        /* the connection badge reports failures; the next refresh asks again */
      },
    );
    return () => {
      live = false;
    };
  }, [taskId, held, env]);
  return stored ?? own;
}
