// The minimap's fill for a node: its state's line colour (the theme's CSS variables, so dark mode
// follows), a neutral one for states without their own colour.
const COLOURED = new Set(['running', 'configured', 'standby', 'error', 'done', 'mixed']);

export function minimapColor(state: string): string {
  const s = state.toLowerCase();
  return `var(--s-${COLOURED.has(s) ? s : 'standby'}-line)`;
}
