// Where local mode keeps its files: everything under $BATON_HOME/local/.
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** $BATON_HOME, defaulting to ~/.baton; always absolute (it ends up in socket addresses). */
export function resolveHome(explicit?: string): string {
  const h = explicit || process.env.BATON_HOME || path.join(os.homedir(), '.baton');
  return path.resolve(h);
}

export function localDir(home: string): string {
  return path.join(home, 'local');
}

export function statePath(home: string): string {
  return path.join(localDir(home), 'state.json');
}

/** The local user's token (local/user.ts), read by the CLI and `baton console`. */
export function userTokenPath(home: string): string {
  return path.join(localDir(home), 'user-token');
}

export function controllerSocket(home: string): string {
  return `unix://${path.join(localDir(home), 'controller.sock')}`;
}

export function agentSocket(home: string, name: string): string {
  return `unix://${path.join(localDir(home), `${name}.sock`)}`;
}

export function logPath(home: string, name: string): string {
  return path.join(localDir(home), `${name}.log`);
}

/**
 * The package root (where bin/baton.js lives). This file runs from dist/core/local/, so the
 * root is three levels up.
 */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

export function batonBin(): string {
  return path.join(packageRoot(), 'bin', 'baton.js');
}

/** the shipped walkthroughs (training/*.yaml) */
export function trainingDir(): string {
  return path.join(packageRoot(), 'training');
}

/** the template repo of the training workflows (their hooks fail on a walkthrough's demand) */
export function trainingRepo(): string {
  return path.join(trainingDir(), 'repo');
}

/** where a walkthrough's fail_hook faults write the flags the training hooks test */
export function trainingFlagsDir(home: string): string {
  return path.join(localDir(home), 'training-flags');
}
