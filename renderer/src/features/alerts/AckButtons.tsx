// Acknowledging errors: one (beside its event) or all (in the Events view's header).
import { useAlerts, unackedCount } from './alertStore.js';

export function AckButton({ seq }: { seq: number }) {
  const waiting = useAlerts((s) => s.unacked.some((e) => e.seq === seq));
  const ack = useAlerts((s) => s.ack);
  if (!waiting) return null;
  return (
    <button type="button" className="ack-button small" onClick={() => ack(seq)} aria-label={`Acknowledge error ${seq}`}>
      Acknowledge
    </button>
  );
}

export function AckAllButton() {
  const count = useAlerts(unackedCount);
  const ackAll = useAlerts((s) => s.ackAll);
  return (
    <button type="button" onClick={ackAll} disabled={count === 0}>
      Acknowledge all errors{count ? ` (${count})` : ''}
    </button>
  );
}
