// Batches TaskUpdates towards the controller, never one message per task: a burst (many updates
// said in one turn of the loop, as when 1,000 exits are handled together) goes at the end of that
// turn; a trickle waits up to FLUSH_MS to share a message; at most FLUSH_ITEMS a message.
// BatchDone is sent after the updates it covers.
//
// Plain answers (a launch or a transition that did what was asked, nothing more to say) go as
// BatchAnswers when the session's controller said it understands them (Welcome.batch_answers):
// the batch id, the state, and the items' positions in the batch. The controller then finds each
// task by an index into the batch it sent instead of a lookup by its id among all tasks, and
// decodes three numbers' worth per task instead of a TaskUpdate object with its strings and maps.
// Order is kept exactly: what was said first goes first (a run of updates and a group of answers
// are separate messages, one after the other). An answer that carries its task's exit (an EXIT of
// basic tasks, answered once the process is gone) goes by position with its exit in three columns
// when the controller said it reads them (Welcome.batch_exits); a group is all with exits or none.
import type { AgentMsg, BatchAnswers, TaskUpdate } from '../rpc/gen/agent.js';
import type { ExitInfo } from '../rpc/gen/common.js';
import type { UpdateSink } from './updates.js';
import { FlushTimer } from '../model/flush-timer.js';

export const FLUSH_MS = 5;
export const FLUSH_ITEMS = 1000;
/**
 * Pending updates from which the message goes at the end of the turn instead of after FLUSH_MS:
 * a slice of exits handled in one turn is on its way to the controller while the agent handles
 * the next slice (the controller applies one batch while the agent builds the next).
 */
export const FLUSH_BURST = 100;

export type Writer = (msg: AgentMsg) => void;

export class Outbox implements UpdateSink {
  /** messages closed and waiting for the flush, in order */
  private queue: AgentMsg[] = [];
  /** the open run of updates (the last thing said), or null */
  private run: TaskUpdate[] | null = null;
  /** the open group of answers (the last thing said), or null: never both open */
  private group: BatchAnswers | null = null;
  /** items said since the last flush (an answer's position counts as one) */
  private count = 0;
  private readonly due = new FlushTimer(FLUSH_MS, () => this.flush(), false);
  private writer: Writer | null = null;
  /** batches of this session that may be answered by position (the controller understands it) */
  private readonly byPosition = new Set<number>();
  private batchAnswers = false;
  private batchExits = false;

  /**
   * Where messages go now; null drops them (no controller: the next Hello is the snapshot).
   * `batchAnswers`: that controller understands BatchAnswers; `batchExits`: and their exit
   * columns. Batches of an earlier session are answered item by item: the controller that sent
   * them may be gone, and a new one knows the tasks by id only.
   */
  setWriter(w: Writer | null, batchAnswers = false, batchExits = false): void {
    this.clear();
    this.writer = w;
    this.batchAnswers = w !== null && batchAnswers;
    this.batchExits = this.batchAnswers && batchExits;
    this.byPosition.clear();
  }

  /** A batch came on the current session: its plain answers may go by position. */
  opened(batchId: number): void {
    if (this.batchAnswers) this.byPosition.add(batchId);
  }

  answersByPosition(batchId: number): boolean {
    return this.byPosition.has(batchId);
  }

  push(u: TaskUpdate): void {
    if (!this.writer) return;
    if (this.group) this.closeOpen();
    if (this.run) this.run.push(u);
    else this.run = [u];
    this.counted();
  }

  exitsByPosition(batchId: number): boolean {
    return this.batchExits && this.byPosition.has(batchId);
  }

  answered(batchId: number, position: number, state: string): void {
    if (!this.writer) return;
    this.groupFor(batchId, state, false).positions.push(position);
    this.counted();
  }

  answeredExit(batchId: number, position: number, state: string, exit: ExitInfo): void {
    if (!this.writer) return;
    const g = this.groupFor(batchId, state, true);
    g.positions.push(position);
    g.exitCodes.push(exit.code);
    g.exitSignals.push(exit.signal);
    g.exitTimesMs.push(exit.timeMs);
    this.counted();
  }

  /** the open group if the answer fits it (same batch, state, and with exits or not), else a new one */
  private groupFor(batchId: number, state: string, exits: boolean): BatchAnswers {
    const g = this.group;
    const withExits = g !== null && g.exitCodes.length > 0;
    if (g && g.batchId === batchId && g.state === state && withExits === exits) return g;
    this.closeOpen();
    this.group = { batchId, state, positions: [], exitCodes: [], exitSignals: [], exitTimesMs: [] };
    return this.group;
  }

  private counted(): void {
    const n = ++this.count;
    if (n >= FLUSH_ITEMS) this.flush();
    else if (n >= FLUSH_BURST) this.due.soon();
    else this.due.later();
  }

  /** closes the open run or group into the queue */
  private closeOpen(): void {
    if (this.run) this.queue.push({ msg: { $case: 'updates', updates: { items: this.run } } });
    else if (this.group) this.queue.push({ msg: { $case: 'answers', answers: this.group } });
    this.run = null;
    this.group = null;
  }

  private clear(): void {
    this.queue = [];
    this.run = null;
    this.group = null;
    this.count = 0;
  }

  flush(): void {
    this.due.cancel();
    this.closeOpen();
    const queue = this.queue;
    this.queue = [];
    this.count = 0;
    for (const m of queue) this.writer?.(m);
  }

  batchDone(batchId: number): void {
    this.flush();
    this.byPosition.delete(batchId);
    this.writer?.({ msg: { $case: 'batchDone', batchDone: { batchId } } });
  }

  send(msg: AgentMsg): void {
    this.writer?.(msg);
  }

  close(): void {
    this.due.cancel();
    this.clear();
    this.writer = null;
    this.byPosition.clear();
  }
}
