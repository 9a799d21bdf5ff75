// Which transition buttons an environment page shows, which are enabled, which need a confirmation.
import { allowedEnvTransitions, type EnvState, type EnvTransition } from '../../../../core/model/states.js';

export interface TransitionButton {
  transition: EnvTransition;
  hint: string;
  enabled: boolean;
  confirm: boolean;
  /** the button to press next in the normal cycle */
  primary: boolean;
}

/** The buttons in the order of the cycle. GO_ERROR is an operator's forced stop, kept out of the row. */
export const BUTTONS: { transition: EnvTransition; hint: string }[] = [
  { transition: 'DEPLOY', hint: 'Launch the tasks on their nodes' },
  { transition: 'CONFIGURE', hint: 'Configure every task (channels, properties)' },
  { transition: 'START_ACTIVITY', hint: 'Start a run (allocates a run number)' },
  { transition: 'STOP_ACTIVITY', hint: 'Stop the run' },
  { transition: 'RESET', hint: 'Back to DEPLOYED' },
  { transition: 'EXIT', hint: 'Stop the tasks and free their resources' },
  { transition: 'RECOVER', hint: 'Restart failed tasks, keep healthy ones, back to DEPLOYED' },
];

export const CONFIRM: ReadonlySet<EnvTransition> = new Set(['STOP_ACTIVITY', 'EXIT', 'GO_ERROR']);

const NEXT: Partial<Record<string, EnvTransition>> = {
  STANDBY: 'DEPLOY',
  DEPLOYED: 'CONFIGURE',
  CONFIGURED: 'START_ACTIVITY',
  RUNNING: 'STOP_ACTIVITY',
  ERROR: 'RECOVER',
};

export function transitionButtons(state: string, busy: boolean): TransitionButton[] {
  const allowed = new Set(isEnvState(state) ? allowedEnvTransitions(state) : []);
  return BUTTONS.filter((b) => b.transition !== 'RECOVER' || state === 'ERROR') // RECOVER is offered from ERROR only
    .map((b) => ({
      ...b,
      enabled: !busy && allowed.has(b.transition),
      confirm: CONFIRM.has(b.transition),
      primary: NEXT[state] === b.transition,
    }));
}

function isEnvState(s: string): s is EnvState {
  return ['STANDBY', 'DEPLOYED', 'CONFIGURED', 'RUNNING', 'ERROR', 'DONE'].includes(s);
}
