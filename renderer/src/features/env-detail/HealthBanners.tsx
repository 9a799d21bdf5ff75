// Banners above an environment's tabs for what its state alone does not say: DEGRADED (naming the
// unreachable nodes: their tasks keep their last known state, they are not failed), a divergence
// the reconcile loop found, and the run an ERROR closed.
import { useMemo } from 'react';
import type { Environment } from '../../../../core/rpc/gen/control.js';
import { useConsole } from '../../store/context.js';
import { formatTime } from '../../ui/format.js';
import { abortedRun, openDivergence } from './health.js';

function DegradedBanner({ env }: { env: Environment }) {
  const nodes = env.unreachableNodes;
  return (
    <section className="banner warn" aria-label="Degraded">
      <strong>DEGRADED</strong>{' '}
      {nodes.length ? (
        <>
          {nodes.length > 1 ? 'nodes' : 'node'} <strong>{nodes.join(', ')}</strong> {nodes.length > 1 ? 'are' : 'is'} unreachable (SUSPECT). Its tasks keep
          their last known state, unconfirmed; the run stays open. Transitions other than GO_ERROR are refused until it is back; if it is not back within the
          agent-loss grace, its tasks are lost.
        </>
      ) : (
        <>some non-critical tasks failed or were lost: the environment runs without them (RECOVER restarts them).</>
      )}
    </section>
  );
}

export function HealthBanners({ env }: { env: Environment }) {
  const events = useConsole((s) => s.events);
  const divergence = useMemo(() => openDivergence(env, events), [env, events]);
  const aborted = useMemo(() => abortedRun(env, events), [env, events]);
  return (
    <>
      {env.degraded || env.unreachableNodes.length ? <DegradedBanner env={env} /> : null}
      {divergence ? (
        <section className="banner warn" aria-label="Divergence">
          <strong>DIVERGENCE</strong> at {formatTime(divergence.timeMs)}: {divergence.message}
        </section>
      ) : null}
      {aborted ? (
        <section className="banner" aria-label="Run closed">
          Run {aborted.runNumber} was closed as aborted
          {aborted.data.reason ? `: ${aborted.data.reason}` : ''}. Data taking stopped when the environment entered ERROR.
        </section>
      ) : null}
    </>
  );
}
