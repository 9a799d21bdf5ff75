// Task globs of SearchLogs and `baton task logs 'ENV/*'`: `*` any run of characters (slashes
// too: role paths nest), `?` one character, everything else itself.
export function globMatcher(glob: string): (s: string) => boolean {
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return (s) => re.test(s);
}

export function isGlob(s: string): boolean {
  return /[*?]/.test(s);
}
