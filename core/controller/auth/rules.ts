// The authorization table: every Control method, the least role that may call it, whether it
// changes anything (then it is audited) and which lock it needs. Typed on the service, so a new
// RPC without a rule does not compile.
import type { ControlService } from '../../rpc/gen/control.js';
import type { Role } from './caller.js';

export interface Rule {
  role: Role;
  /** changes state: every call, allowed or refused, is an audit event */
  mutating: boolean;
  /** the environment the call acts on, when it needs the caller to hold that environment */
  heldEnvironment?: (request: never) => string;
}

/** the service definition's keys: exactly the RPCs of control.proto */
export type Method = keyof ControlService;

export const RULES: Record<Method, Rule> = {
  getInfo: { role: 'observer', mutating: false },
  listEnvironments: { role: 'observer', mutating: false },
  getEnvironment: { role: 'observer', mutating: false },
  listTasks: { role: 'observer', mutating: false },
  taskLogs: { role: 'observer', mutating: false },
  searchLogs: { role: 'observer', mutating: false },
  listNodes: { role: 'observer', mutating: false },
  listRuns: { role: 'observer', mutating: false },
  getRun: { role: 'observer', mutating: false },
  commentRun: { role: 'shifter', mutating: true },
  listTemplates: { role: 'observer', mutating: false },
  renderTemplate: { role: 'observer', mutating: false },
  lintTemplate: { role: 'observer', mutating: false },
  subscribe: { role: 'observer', mutating: false },
  createEnvironment: { role: 'shifter', mutating: true },
  controlEnvironment: { role: 'shifter', mutating: true, heldEnvironment: (r: { id: string }) => r.id },
  destroyEnvironment: { role: 'shifter', mutating: true, heldEnvironment: (r: { id: string }) => r.id },
  excludeRole: { role: 'expert', mutating: true, heldEnvironment: (r: { envId: string }) => r.envId },
  includeRole: { role: 'expert', mutating: true, heldEnvironment: (r: { envId: string }) => r.envId },
  killTask: { role: 'expert', mutating: true },
  addNode: { role: 'admin', mutating: true },
  removeNode: { role: 'admin', mutating: true },
  // maintenance of a node (inventory/): an expert's call, like killing a task
  cordonNode: { role: 'expert', mutating: true },
  drainNode: { role: 'expert', mutating: true },
  uncordonNode: { role: 'expert', mutating: true },
  // users and roles (auth/users.ts): anyone may ask who they are; the users table is the admin's
  whoAmI: { role: 'observer', mutating: false },
  listUsers: { role: 'admin', mutating: false },
  addUser: { role: 'admin', mutating: true },
  removeUser: { role: 'admin', mutating: true },
  newUserToken: { role: 'admin', mutating: true },
  // holds (locks/): taking over someone's hold is an expert's call, with a reason; releasing is
  // for the holder (any role that may drive) or an expert, checked by the handler
  takeEnvironment: { role: 'expert', mutating: true },
  releaseEnvironment: { role: 'shifter', mutating: true },
  // the audit trail is the control room's shared record, readable like the events (audit/)
  listAudit: { role: 'observer', mutating: false },
  // history: the same events Subscribe gives an observer, filtered and paged (events/query.ts)
  queryEvents: { role: 'observer', mutating: false },
  // load over time: the figures GetEnvironment and ListNodes already give an observer (history/)
  queryHistory: { role: 'observer', mutating: false },
};
