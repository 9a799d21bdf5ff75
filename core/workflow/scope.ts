// The scopes template expressions are evaluated in: the built-ins every workflow sees, and the
// child scopes that roles, iterator items and class defaults add their vars to.
import type { Scope } from './expr.js';
import type { RepoView } from './repo.js';

/** The built-in vars of a workflow read from `view`: `baton.node`, `baton.root` and `repo`. */
export function builtinsFor(view: RepoView, batonRoot: string, nodePath: string): Scope {
  return { baton: { node: nodePath, root: batonRoot }, repo: view.root };
}

/**
 * A scope that sees its parent's vars through the prototype chain: a for over 150,000 items
 * must not copy the parent scope 150,000 times. (Never spread a scope: that drops the parent's.)
 */
export function childScope(parent: Scope): Scope {
  return Object.create(parent) as Scope;
}
