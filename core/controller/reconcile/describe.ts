// Names tasks with their states for reconcile messages and events: the first few, then a count.
import type { TaskRuntime } from '../model/task.js';

const NAMED = 10;

export function taskWord(t: TaskRuntime): string {
  if (t.lost) return 'lost';
  if (!t.launched && t.state !== 'DONE') return `${t.state}, process gone`;
  return t.state;
}

export function describeTasks(tasks: readonly TaskRuntime[]): string {
  const head = tasks
    .slice(0, NAMED)
    .map((t) => `${t.name} (${taskWord(t)})`)
    .join(', ');
  return tasks.length > NAMED ? `${head} and ${tasks.length - NAMED} more` : head;
}
