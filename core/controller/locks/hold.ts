// Environment holds: a mutating call on an environment needs the caller to hold it.
// (Placeholder until holds are stored: every caller holds every environment.)
import type { Caller } from '../auth/caller.js';
import type { ControllerCore } from '../core.js';

export function requireHold(_controller: ControllerCore, _envId: string, _caller: Caller): void {}
