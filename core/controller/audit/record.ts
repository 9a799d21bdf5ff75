// The audit trail: one record per mutating request, allowed or refused.
// (Placeholder until the audit trail is stored.)
import type { Caller } from '../auth/caller.js';
import type { ControllerCore } from '../core.js';

export interface AuditEntry {
  method: string;
  caller: Caller;
  request: unknown;
  /** 'ok', or the error code the caller got */
  outcome: string;
  message?: string;
}

export function recordAudit(_controller: ControllerCore, _entry: AuditEntry): void {}
