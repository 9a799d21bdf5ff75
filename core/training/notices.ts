// What happens during a walkthrough, as structured notices (beside the lines `say` prints): the
// console's training panel builds its session state from them. Types only: the console's contract
// (core/gateway/training/contract.ts) imports them for the browser.

export type TrainingNotice =
  /** the walkthrough's environment was created */
  | { kind: 'environment'; envId: string }
  /** step `index` (0-based) began: its instructions are shown, its faults and hints armed */
  | { kind: 'step'; index: number }
  | { kind: 'fault'; index: number; text: string }
  | { kind: 'hint'; index: number; text: string }
  /** the step's condition holds */
  | { kind: 'step-done'; index: number; durationMs: number }
  /** judged at the end, from the audit trail */
  | { kind: 'wrong-action'; index: number; text: string };
