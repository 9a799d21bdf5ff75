// `baton node bootstrap` and `baton node upgrade` over many nodes: the release is made once, then
// every node is done in parallel (bootstrapHost), and a summary says what happened to each.
import * as path from 'node:path';
import type { InventoryNode } from '../../model/inventory.js';
import { bootstrapHost, type HostResult, type Progress, type ServiceChoice } from './host.js';
import { makeRelease } from './release.js';

export type { HostResult, Progress, StepReport, ServiceChoice } from './host.js';
export { selectNodes } from './select-nodes.js';

export interface BootstrapOptions {
  /** BATON_HOME on this machine: pki/ and the release cache releases/ */
  home: string;
  /** the package root whose build is shipped */
  packageRoot: string;
  installRoot?: string;
  service?: ServiceChoice;
  upgrade?: boolean;
}

export const DEFAULT_INSTALL_ROOT = '~/.baton-node';

export async function bootstrapNodes(nodes: InventoryNode[], opts: BootstrapOptions, progress: Progress): Promise<HostResult[]> {
  const release = makeRelease(opts.packageRoot, path.join(opts.home, 'releases'));
  return Promise.all(
    nodes.map((node) =>
      bootstrapHost(
        { node, home: opts.home, release, installRoot: opts.installRoot ?? DEFAULT_INSTALL_ROOT, service: opts.service ?? 'auto', upgrade: !!opts.upgrade },
        progress,
      ),
    ),
  );
}

/** One line: how many nodes are ready, changed, failed (and why). */
export function summaryLine(results: HostResult[], what: string): string {
  const failed = results.filter((r) => !r.ok);
  const changed = results.filter((r) => r.ok && r.changed).length;
  const unchanged = results.filter((r) => r.ok && !r.changed).length;
  const head = `${what}: ${results.length} node(s), ${results.length - failed.length} ready (${changed} changed, ${unchanged} unchanged), ${failed.length} failed`;
  return failed.length ? `${head}: ${failed.map((r) => `${r.node} (${r.error?.detail.data?.reason ?? r.error?.code})`).join(', ')}` : head;
}
