// The page of a popped-out log (features/logs/popOut.ts): the log viewer alone, filling the window.
import { lazy, Suspense, useEffect } from 'react';

const LogViewer = lazy(() => import('./LogViewer.js'));

export function LogPopOut({ taskId, taskName }: { taskId: string | null; taskName: string }) {
  useEffect(() => {
    document.title = `Log of ${taskName || taskId} · Baton`;
  }, [taskId, taskName]);
  if (!taskId) {
    return (
      <main className="page">
        <h1>No task</h1>
        <p>This window shows one task's log: open it from the task's Pop out button.</p>
      </main>
    );
  }
  return (
    <main className="page page-wide log-popout" aria-labelledby="popout-h">
      <h1 id="popout-h">Log of {taskName || taskId}</h1>
      <Suspense fallback={<p role="status">Loading the log viewer…</p>}>
        <LogViewer taskId={taskId} taskName={taskName || taskId} poppedOut />
      </Suspense>
    </main>
  );
}
