// The task drawer: details, resolution info (host, pid, ports and addresses, log path), channel
// counters, the structured error, and the task's log. Non-modal: the page stays usable.
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { call } from '../../api/client.js';
import { asBatonError, detailFromWire } from '../../api/errors.js';
import { useConsole } from '../../store/context.js';
import { ConfirmDialog } from '../../ui/Dialog.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { StateChip } from '../../ui/StateChip.js';
import { formatBytes, formatByteRate, formatCpu, formatDateTime, formatRate } from '../../ui/format.js';
import type { ErrorDetailLike } from '../../../../core/model/errors.js';
import { displayState } from './taskTable.js';
import { STALE_TITLE, taskIsDead } from './liveness.js';
import { useTask } from './useTask.js';

const LogViewer = lazy(() => import('../logs/LogViewer.js'));
const TaskUsagePanel = lazy(() => import('../history/TaskUsagePanel.js'));

/** a value of an ended task: greyed and labelled, so no one reads it as current */
function Stale({ dead, children }: { dead: boolean; children: React.ReactNode }) {
  if (!dead) return <>{children}</>;
  return (
    <span className="stale" title={STALE_TITLE}>
      {children} <span className="stale-label">(stale)</span>
    </span>
  );
}

function Row({ k, children }: { k: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{k}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function TaskDrawer({ taskId, onClose }: { taskId: string; onClose(): void }) {
  const task = useTask(taskId);
  const offline = useConsole((s) => s.connection.status !== 'live');
  const dead = task ? taskIsDead(task) : false;
  const [killing, setKilling] = useState(false);
  const [killError, setKillError] = useState<ErrorDetailLike | null>(null);
  const ref = useRef<HTMLElement>(null);
  // ?line=<position>: a search result links to its line in the task's log
  const line = new URLSearchParams(window.location.search).get('line');
  const linePosition = line !== null && /^\d+$/.test(line) ? Number(line) : undefined;
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [taskId]);
  const kill = async () => {
    setKilling(false);
    setKillError(null);
    try {
      await call('KillTask', { id: taskId, signal: 'SIGKILL' });
    } catch (e) {
      setKillError(asBatonError(e).detail);
    }
  };
  return (
    <aside
      ref={ref}
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="drawer-h"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header className="drawer-head">
        <h2 id="drawer-h" tabIndex={-1}>
          Task {task?.name ?? taskId}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close task details">
          ✕
        </button>
      </header>
      {task === null ? (
        <p role="status">No task {taskId} (its environment may have been destroyed).</p>
      ) : !task ? (
        <p role="status">Loading task {taskId}…</p>
      ) : (
        <div className="drawer-body">
          {/* first: at 1280x800 the crash and its last lines show without scrolling */}
          {task.error && task.error.code ? <ErrorDetailView detail={detailFromWire(task.error)} title="Task error" /> : null}
          <section aria-label="Task details">
            <dl className="fields">
              <Row k="State">
                <StateChip state={displayState(task)} />
                {task.critical ? <span className="badge">critical</span> : null}
                {!task.included ? <span className="badge">excluded</span> : null}
                {task.unreachable ? <span className="muted small"> last known {task.state}: its node is SUSPECT</span> : null}
              </Row>
              <Row k="Restarts">{task.restarts ? `${task.restarts} (by its restart policy)` : 'none'}</Row>
              <Row k="Id">
                <span className="mono">{task.id}</span>
              </Row>
              <Row k="Role">{task.role}</Row>
              <Row k="Class">
                {task.className} ({task.control}, {task.driver})
              </Row>
              <Row k="Node">{task.node || '–'}</Row>
              <Row k="Host">{task.host || '–'}</Row>
              <Row k="PID">
                <Stale dead={dead}>{task.pid || '–'}</Stale>
              </Row>
              <Row k="CPU">
                <Stale dead={dead}>{task.pid ? formatCpu(task.cpu) : '–'}</Stale>
              </Row>
              <Row k="Memory">
                <Stale dead={dead}>{task.rssBytes ? formatBytes(task.rssBytes) : '–'}</Stale>
              </Row>
              <Row k="Ports">
                {Object.keys(task.ports).length
                  ? Object.entries(task.ports).map(([k, v]) => (
                      <span key={k} className="mono kv">
                        {k}={v}
                      </span>
                    ))
                  : '–'}
              </Row>
              <Row k="Addresses">
                {Object.keys(task.addresses).length
                  ? Object.entries(task.addresses).map(([k, v]) => (
                      <span key={k} className="mono kv">
                        {k} {v}
                      </span>
                    ))
                  : '–'}
              </Row>
              <Row k="Log file">
                <span className="mono small">{task.logPath || '–'}</span>
              </Row>
              <Row k="Command">
                <span className="mono small">{[task.command, ...task.args].join(' ') || '–'}</span>
              </Row>
              {task.exit?.exited ? (
                <Row k="Exit">
                  {task.exit.signal ? `signal ${task.exit.signal}` : `code ${task.exit.code}`} at {formatDateTime(task.exit.timeMs)}
                </Row>
              ) : null}
            </dl>
          </section>
          {task.counters.length ? (
            <table className="grid compact">
              <caption>Channel counters</caption>
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col" className="num">
                    Messages
                  </th>
                  <th scope="col" className="num">
                    Rate
                  </th>
                  <th scope="col" className="num">
                    Bytes/s
                  </th>
                </tr>
              </thead>
              <tbody>
                {task.counters.map((c) => (
                  <tr key={c.channel}>
                    <td className="mono">{c.channel}</td>
                    <td className="num">{c.messages}</td>
                    <td className="num">
                      <Stale dead={dead}>{formatRate(c.msgRate)}</Stale>
                    </td>
                    <td className="num">
                      <Stale dead={dead}>{formatByteRate(c.byteRate)}</Stale>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {killError ? <ErrorDetailView detail={killError} title="Kill failed" /> : null}
          <div className="drawer-actions">
            <button
              type="button"
              className="danger-outline"
              onClick={() => setKilling(true)}
              disabled={dead || offline || (!task.pid && task.driver !== 'sim')}
              title={dead ? 'The task has ended: nothing to kill' : offline ? 'Not connected to the controller' : undefined}
            >
              Kill task
            </button>
          </div>
          {killing ? (
            <ConfirmDialog
              title={`Kill ${task.name}?`}
              danger
              confirmLabel="Kill"
              body={<p>Sends SIGKILL to the task (fault injection).{task.critical ? ' It is critical: the environment goes to ERROR.' : ''}</p>}
              onCancel={() => setKilling(false)}
              onConfirm={() => void kill()}
            />
          ) : null}
          <Suspense fallback={<p role="status">Loading the charts…</p>}>
            <TaskUsagePanel taskId={task.id} />
          </Suspense>
          <section aria-labelledby="log-h" className="log-section">
            <h3 id="log-h">Log</h3>
            <Suspense fallback={<p role="status">Loading the log viewer…</p>}>
              <LogViewer key={`${task.id}:${linePosition ?? ''}`} taskId={task.id} taskName={task.name} atPosition={linePosition} />
            </Suspense>
          </section>
        </div>
      )}
    </aside>
  );
}
