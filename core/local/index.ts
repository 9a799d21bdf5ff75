// Local mode: the whole stack on this machine (docs/architecture.md, "Entry points").
export { localUp, type LocalUpOptions, type LocalUpResult, type UpProgress } from './up.js';
export { localDown, type LocalDownOptions, type LocalDownReport } from './down.js';
export { localStatus, type LocalStatus } from './status.js';
export { readState, writeState, removeState, type LocalState } from './state.js';
export { resolveHome, statePath, controllerSocket, userTokenPath } from './paths.js';
export { ensureLocalUser, readUserToken, type LocalUser } from './user.js';
