// A `for` over a task role builds each item's task spec once per distinct scope, not once per
// item. The items' scopes differ only in the iterator var, so when building one item's spec (its
// class, the class defaults, every field under `task:`) never read that var, the next item's spec
// is the same but for its name and role path, and is copied rather than evaluated again. A
// million-task `for` spent ~17 us an item evaluating the same class fields (docs/performance.md,
// "Scale curve"). Reads are noticed by building the spec in a scope whose iterator var is a getter.
import type { Scope } from '../expr.js';
import type { TaskSpec } from '../types.js';

function constraintsKey(constraints: Record<string, string>): string {
  return JSON.stringify(constraints);
}

export class ItemSpecReuse {
  /** the spec of the last item built, when it did not depend on the item */
  private spec: TaskSpec | null = null;
  /** the role constraints that spec was built under (they are evaluated per item, before it) */
  private builtUnder = '';
  /** an item's spec read the iterator var: every item is built on its own from now on */
  private dependsOnItem = false;

  constructor(private readonly varName: string) {}

  /** The spec of the item at `path` copied from an earlier item's, or null when it must be built. */
  copyFor(path: string, constraints: Record<string, string>): TaskSpec | null {
    if (!this.spec || this.dependsOnItem || constraintsKey(constraints) !== this.builtUnder) return null;
    return { ...this.spec, name: path, rolePath: path };
  }

  /** Builds an item's spec with `build`, in a scope over `scope` that notices reads of the iterator var. */
  build(scope: Scope, constraints: Record<string, string>, build: (tracked: Scope) => TaskSpec): TaskSpec {
    if (this.dependsOnItem) return build(scope);
    let read = false;
    const value = scope[this.varName];
    const tracked = Object.create(scope) as Scope;
    Object.defineProperty(tracked, this.varName, {
      get: () => {
        read = true;
        return value;
      },
      enumerable: true,
      configurable: true,
    });
    const spec = build(tracked);
    // a spec with channels keeps where each was written (channelOrigin) for later messages: built
    // per item, so that those name the item's own role
    if (read || spec.binds.length || spec.connects.length) {
      this.dependsOnItem = true;
      this.spec = null;
    } else {
      this.spec = spec;
      this.builtUnder = constraintsKey(constraints);
    }
    return spec;
  }
}
