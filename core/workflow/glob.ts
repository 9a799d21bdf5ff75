// Role-path globs of channel targets (`*` any run of characters but '/', `**` any run, `?` one
// character but '/'), matched by simulating the pattern as a set of positions: time is
// path length × pattern length, memory the pattern length, whatever the pattern holds.
// It replaces a RegExp built from the pattern: a user's 100 KB glob made a regexp V8 could not
// compile or ran out of backtrack stack on (the controller crashed on a LintTemplate), and
// `a*a*a*...b` backtracked exponentially.

type Token = { kind: 'char'; ch: string } | { kind: 'one' } | { kind: 'star' } | { kind: 'globstar' };

export interface Glob {
  tokens: Token[];
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function compileGlob(pattern: string): Glob {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      // runs of stars collapse: `***` is `**`
      while (pattern[i + 1] === '*') i++;
      if (tokens.at(-1)?.kind !== 'globstar') tokens.push({ kind: 'globstar' });
    } else if (ch === '*') {
      const last = tokens.at(-1)?.kind;
      if (last !== 'star' && last !== 'globstar') tokens.push({ kind: 'star' });
    } else if (ch === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'char', ch });
  }
  return { tokens };
}

/** Whether the whole of `text` matches the glob. */
export function matchGlob(glob: Glob, text: string): boolean {
  const tokens = glob.tokens;
  const n = tokens.length;
  // active[k]: the first k tokens match the text read so far
  let active = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  active[0] = 1;
  closeOverStars(tokens, active);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    next.fill(0);
    let any = false;
    for (let k = 0; k < n; k++) {
      if (!active[k]) continue;
      const t = tokens[k]!;
      if (t.kind === 'char') {
        if (t.ch === ch) {
          next[k + 1] = 1;
          any = true;
        }
      } else if (t.kind === 'one') {
        if (ch !== '/') {
          next[k + 1] = 1;
          any = true;
        }
      } else if (t.kind === 'star') {
        if (ch !== '/') {
          next[k] = 1;
          any = true;
        }
      } else {
        next[k] = 1;
        any = true;
      }
    }
    if (!any) return false;
    closeOverStars(tokens, next);
    [active, next] = [next, active];
  }
  return active[n] === 1;
}

/** A star may match nothing: being before it is being after it. */
function closeOverStars(tokens: Token[], set: Uint8Array): void {
  for (let k = 0; k < tokens.length; k++) {
    const kind = tokens[k]!.kind;
    if (set[k] && (kind === 'star' || kind === 'globstar')) set[k + 1] = 1;
  }
}
