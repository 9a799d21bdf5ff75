// A state shown as text with a color (never color alone).
export function stateClass(state: string): string {
  return `state state-${(state || 'unknown').toLowerCase()}`;
}

export function StateChip({ state, label }: { state: string; label?: string }) {
  return (
    <span className={stateClass(state)} title={label}>
      {state || 'UNKNOWN'}
    </span>
  );
}
