// What a walkthrough needs of the local training stack, for hosts that are not the CLI (the
// console gateway): where the shipped walkthroughs are, whether a home holds a local stack, and
// the fault target on it.
import { trainingDir, trainingFlagsDir } from '../local/paths.js';
import { readState } from '../local/state.js';
import type { ControlConnection } from '../rpc/control-client.js';
import type { FaultTarget } from './faults.js';

/** the shipped walkthroughs (training/*.yaml) */
export function shippedWalkthroughsDir(): string {
  return trainingDir();
}

/** the local stack's controller address in this home, or null when the home holds none */
export function localStackController(home: string): string | null {
  try {
    return readState(home)?.controller.address ?? null;
  } catch {
    return null;
  }
}

export function localFaultTarget(control: ControlConnection, home: string): FaultTarget {
  return { control, home, flagsDir: trainingFlagsDir(home) };
}
