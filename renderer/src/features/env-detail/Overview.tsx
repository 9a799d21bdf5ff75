// The environment's overview tab: identity, counts, channels with rates, vars, its latest events.
import { useMemo, useState } from 'react';
import type { Environment } from '../../../../core/rpc/gen/control.js';
import { call } from '../../api/client.js';
import { asBatonError } from '../../api/errors.js';
import { navigate } from '../../app/router.js';
import { useConsole, useConsoleStore } from '../../store/context.js';
import { ConfirmDialog } from '../../ui/Dialog.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { formatDateTime, formatTime } from '../../ui/format.js';
import type { ErrorDetailLike } from '../../../../core/model/errors.js';
import { TaskCountsCell } from '../environments/EnvironmentsView.js';
import { useSync } from '../shell/services.js';
import { RolesPanel } from '../roles/RolesPanel.js';
import { ChannelsTable } from './ChannelsTable.js';

export function Overview({ env }: { env: Environment }) {
  const detail = useConsole((s) => s.details.get(env.id));
  const events = useConsole((s) => s.events);
  const tasks = useConsole((s) => s.tasks);
  const sync = useSync();
  const store = useConsoleStore();
  const recent = useMemo(() => {
    const out = [];
    for (let i = events.length - 1; i >= 0 && out.length < 15; i--) if (events[i]!.envId === env.id) out.push(events[i]!);
    return out;
  }, [events, env.id]);
  const [destroying, setDestroying] = useState(false);
  const [destroyError, setDestroyError] = useState<ErrorDetailLike | null>(null);
  const destroy = async () => {
    setDestroying(false);
    try {
      const reply = await call('DestroyEnvironment', { id: env.id });
      void sync.envs();
      // tasks left on a node whose agent is away: this page then lists them, per node
      if (reply.awaitingReap.length) store.getState().addAwaitingReap(reply.awaitingReap);
      else navigate('/');
    } catch (e) {
      setDestroyError(asBatonError(e).detail);
    }
  };
  const vars = Object.entries(env.vars ?? {});
  return (
    <div className="overview">
      <section aria-labelledby="ov-summary">
        <h2 id="ov-summary">Summary</h2>
        <dl className="fields">
          <div>
            <dt>Id</dt>
            <dd className="mono">{env.id}</dd>
          </div>
          <div>
            <dt>Workflow</dt>
            <dd>{env.workflow}</dd>
          </div>
          {env.runType ? (
            <div>
              <dt>Run type</dt>
              <dd>{env.runType}</dd>
            </div>
          ) : null}
          {env.repo ? (
            <div>
              <dt>Repository</dt>
              <dd className="mono small">
                {env.repo}
                {env.revision ? ` @ ${env.revision}` : ''}
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Owner</dt>
            <dd>{env.owner || '–'}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>{formatDateTime(env.createdMs)}</dd>
          </div>
          <div>
            <dt>Tasks</dt>
            <dd>
              <TaskCountsCell env={env} />
            </dd>
          </div>
        </dl>
      </section>
      <RolesPanel env={env} />
      <section aria-labelledby="ov-channels">
        <h2 id="ov-channels">Dataflow</h2>
        <ChannelsTable graph={detail?.graph} />
      </section>
      <section aria-labelledby="ov-vars">
        <h2 id="ov-vars">Variables</h2>
        {vars.length ? (
          <table className="grid compact">
            <caption className="sr-only">Variables</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {vars.map(([k, v]) => (
                <tr key={k}>
                  <td className="mono">{k}</td>
                  <td className="mono">{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">Defaults only.</p>
        )}
      </section>
      <section aria-labelledby="ov-events">
        <h2 id="ov-events">Latest events</h2>
        {recent.length ? (
          <ol className="mini-events">
            {recent.map((e) => (
              <li key={e.seq}>
                <time>{formatTime(e.timeMs)}</time> <span className="mono">{e.kind}</span>{' '}
                {e.taskId ? <strong>{tasks.get(e.taskId)?.name ?? e.taskId} </strong> : null}
                {e.state || e.transition} {e.message}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">None yet.</p>
        )}
      </section>
      <section aria-labelledby="ov-danger">
        <h2 id="ov-danger">Remove</h2>
        {destroyError ? <ErrorDetailView detail={destroyError} title="Destroy failed" /> : null}
        <button type="button" className="danger" onClick={() => setDestroying(true)}>
          Destroy environment
        </button>
        {destroying ? (
          <ConfirmDialog
            title={`Destroy ${env.name || env.id}?`}
            danger
            confirmLabel="Destroy"
            body={<p>Its tasks are stopped and the environment is removed. Its runs stay in the history.</p>}
            onCancel={() => setDestroying(false)}
            onConfirm={() => void destroy()}
          />
        ) : null}
      </section>
    </div>
  );
}
