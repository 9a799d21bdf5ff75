// The run an environment's header shows: the open run, else its last run with how it ended
// (after a STOP or an ERROR the shifter still sees which run it was and why it ended), each a
// link to the run's record. The run list comes from ListRuns, refreshed by run events.
import { useEffect, useMemo } from 'react';
import { useConsole } from '../../store/context.js';
import { Link } from '../../ui/Link.js';
import { useSync } from '../shell/services.js';
import { runPath } from './runLinks.js';

export function EnvRunStatus({ envId, runNumber }: { envId: string; runNumber?: number }) {
  const sync = useSync();
  const runs = useConsole((s) => s.runs);
  useEffect(() => {
    void sync.runs();
  }, [sync, runNumber]);
  const last = useMemo(() => runs.filter((r) => r.envId === envId).sort((a, b) => b.runNumber - a.runNumber)[0], [runs, envId]);
  if (runNumber !== undefined && runNumber !== 0) {
    return (
      <span className="run">
        <Link href={runPath(runNumber)} aria-label={`Run ${runNumber}: its record`}>
          Run <strong>{runNumber}</strong>
        </Link>
      </span>
    );
  }
  if (!last) return <span className="run muted">no run yet</span>;
  const ended = last.state === 'open' ? 'ending' : last.endReason || last.state;
  return (
    <span className={`run run-ended ${last.state === 'aborted' ? 'is-error' : ''}`}>
      <Link href={runPath(last.runNumber)} aria-label={`Last run ${last.runNumber}: its record`}>
        Last run <strong>{last.runNumber}</strong>
      </Link>{' '}
      <span className="end-reason">ended: {ended}</span>
    </span>
  );
}
