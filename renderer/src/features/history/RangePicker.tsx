// The time range of the load-history plots: one group of toggle buttons (15 min to 24 h).
import { RANGES, type RangeId } from './ranges.js';

export function RangePicker({ value, onChange }: { value: RangeId; onChange(id: RangeId): void }) {
  return (
    <div className="range-picker" role="group" aria-label="Time range">
      {RANGES.map((r) => (
        <button key={r.id} type="button" aria-pressed={value === r.id} onClick={() => onChange(r.id)}>
          {r.label}
        </button>
      ))}
    </div>
  );
}
