// The marker an exit leaves in a task's log: a crash (the task ended in ERROR on its own or by a
// fault injection) or a plain exit (code 0, an EXIT it acknowledged, a kill the agent was told to do).
import { describeExit } from '../updates.js';
import type { ProcTask } from '../process/task.js';
import type { MarkerKind } from './index-file.js';

export function exitMarker(t: ProcTask): { kind: MarkerKind; text: string } {
  const how = t.exit ? describeExit(t.exit) : 'exited';
  if (t.state === 'ERROR') return { kind: 'crash', text: `crashed: ${how}${t.killReason ? ` (killed: ${t.killReason})` : ''}` };
  return { kind: 'exit', text: `exited: ${how}${t.killReason ? ` (${t.killReason})` : ''}` };
}
