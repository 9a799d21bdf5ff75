// A node's health as the operator reads it: UP, SUSPECT (its agent is silent, within the
// agent-loss grace: its tasks are unreachable, not lost), DOWN, or REFUSED (its agent belongs to
// another controller). Pure, so the rules are tested without React.
import type { Event, Node } from '../../../../core/rpc/gen/control.js';

export type HealthLabel = 'UP' | 'SUSPECT' | 'DOWN' | 'REFUSED';

export interface NodeHealth {
  label: HealthLabel;
  /** the state chip's color class (the label is always written out too) */
  stateClass: string;
  /** one line for the operator: since when, how long is left, whose the agent is */
  detail: string;
  /** with SUSPECT, when the grace is known: ms until its tasks are declared lost */
  graceLeftMs?: number;
}

/**
 * The agent-loss grace the controller announced for this node's current SUSPECT spell: the
 * `node.suspect` event carries it (`data.grace_ms`); Node does not. Undefined when that event is
 * not among the events this page has seen.
 */
export function suspectGraceMs(events: readonly Event[], node: string, sinceMs: number): number | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.node !== node || e.kind !== 'node.suspect') continue;
    // an older spell's event says nothing of this one (a second of clock skew allowed)
    if (sinceMs && e.timeMs < sinceMs - 1000) return undefined;
    const g = Number(e.data.grace_ms);
    return Number.isFinite(g) && g > 0 ? g : undefined;
  }
  return undefined;
}

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

export function nodeHealth(n: Node, nowMs: number, graceMs?: number): NodeHealth {
  if (n.refused) {
    return {
      label: 'REFUSED',
      stateClass: 'state-error',
      detail: `owned by controller ${n.owner || '(unknown)'}: ${n.refused}`,
    };
  }
  if (n.suspect) {
    const away = n.suspectSinceMs ? nowMs - n.suspectSinceMs : 0;
    const parts = [n.suspectSinceMs ? `silent for ${seconds(away)}` : 'silent'];
    let graceLeftMs: number | undefined;
    if (graceMs !== undefined && n.suspectSinceMs) {
      graceLeftMs = Math.max(0, graceMs - away);
      parts.push(`tasks lost in ${seconds(graceLeftMs)} unless it is back`);
    } else {
      parts.push('its tasks are unreachable until it is back or the grace runs out');
    }
    return { label: 'SUSPECT', stateClass: 'state-lost', detail: parts.join('; '), graceLeftMs };
  }
  if (n.up) return { label: 'UP', stateClass: 'state-running', detail: '' };
  return { label: 'DOWN', stateClass: 'state-error', detail: 'its agent is gone: its tasks are lost' };
}

/** the agent's event-loop delay as a cell: a late agent with a large delay is busy, not dead */
export function formatLoopLag(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '–';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** A loop delay worth a warning: a tenth of the 1 s heartbeat interval. */
export const LOOP_LAG_WARN_MS = 100;
