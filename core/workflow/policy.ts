// What a controller lets templates do (docs/security.md, "Templates and hooks"): where workflows
// may come from, which repos may run `exec` hooks, which hosts `http.post` may reach. Pure: the
// loader checks it at expansion (so create, render and lint refuse with a located error) and the
// controller's hook runner checks it again when a hook runs.
import fs from 'node:fs';
import path from 'node:path';
import { BatonError } from '../model/errors.js';

export interface TemplatePolicy {
  /** workflows given by a path (or a repo) outside the configured repos may be used; default false */
  allowLocal?: boolean;
  /** workflows from outside the configured repos (allowed by allowLocal) count as trusted: local
   *  mode, where the controller runs as the one user who can call it */
  trustLocal?: boolean;
  /** repo directories whose `exec` hooks may run ('*': every repo). The shipped repo always may. */
  trustedRepos?: string[];
  /** hosts `http.post` may reach (exact names or IP addresses, '*.domain' for a domain's hosts,
   *  '*' for any); default none */
  httpHosts?: string[];
}

/** The policy with resolved paths and lower-case hosts; what the loader and the runner share. */
export interface ResolvedPolicy {
  allowLocal: boolean;
  trustLocal: boolean;
  trustAll: boolean;
  trusted: string[];
  httpHosts: string[];
}

/** No policy given: everything allowed (embedders, unit tests, the CLI's own local loader, which
 *  runs as the user on the user's files). The controller always passes one. */
export const OPEN_POLICY: TemplatePolicy = { allowLocal: true, trustLocal: true, trustedRepos: ['*'], httpHosts: ['*'] };

/** OPEN_POLICY resolved: what an expansion without a policy checks against */
export const OPEN_RESOLVED: ResolvedPolicy = { allowLocal: true, trustLocal: true, trustAll: true, trusted: [], httpHosts: ['*'] };

export function resolvePolicy(p: TemplatePolicy | undefined, shippedRepo: string): ResolvedPolicy {
  const policy = p ?? OPEN_POLICY;
  const trusted = policy.trustedRepos ?? [];
  return {
    allowLocal: !!policy.allowLocal,
    trustLocal: !!policy.trustLocal,
    trustAll: trusted.includes('*'),
    trusted: [...new Set([...trusted.filter((r) => r !== '*').map((r) => path.resolve(r)), path.resolve(shippedRepo)])],
    httpHosts: (policy.httpHosts ?? [])
      .map((h) =>
        h
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ''),
      )
      .filter(Boolean),
  };
}

/** True when `dir` is one of `repos` or inside one of them (symbolic links followed on both
 *  sides, so a link inside a repo cannot point a workflow outside it). */
export function insideAny(dir: string, repos: string[]): boolean {
  const abs = realOrResolved(dir);
  return repos.some((repo) => {
    const r = realOrResolved(repo);
    return abs === r || abs.startsWith(r.endsWith(path.sep) ? r : r + path.sep);
  });
}

function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Refuses a workflow file or repo outside the configured repos unless local templates are allowed. */
export function assertTemplateSource(policy: ResolvedPolicy, configured: string[], what: string, where: string): void {
  if (policy.allowLocal || insideAny(what, configured)) return;
  throw new BatonError(
    'BAD_INPUT',
    `${what} is not in a configured template repo (${configured.join(', ')}): this controller takes workflows only from its repos (an admin may start it with --allow-local-templates)`,
    { where, data: { path: what, repos: configured.join(',') } },
  );
}

/** May an exec hook declared in a file of repo `dir` run? */
export function repoTrusted(policy: ResolvedPolicy, configured: string[], dir: string): boolean {
  if (policy.trustAll || insideAny(dir, policy.trusted)) return true;
  return policy.trustLocal && !insideAny(dir, configured);
}

/** The host of an http(s) URL, lower case without brackets, or null when it is not one. */
export function httpHostOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  return u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
}

export function hostAllowed(policy: ResolvedPolicy, host: string): boolean {
  return policy.httpHosts.some((h) => h === '*' || h === host || (h.startsWith('*.') && host.endsWith(h.slice(1))));
}

export function describeHosts(policy: ResolvedPolicy): string {
  return policy.httpHosts.length ? policy.httpHosts.join(', ') : 'none';
}
