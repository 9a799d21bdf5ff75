// Channel-target globs (core/workflow/glob.ts) match as the RegExp they replace did
// (`*` = [^/]*, `**` = .*, `?` = [^/]), and a huge or backtracking pattern costs nothing special.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob, matchGlob } from '../../../core/workflow/glob.js';

/** The old matcher, for comparison on small inputs. */
function viaRegExp(glob: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(text);
}

test('globs match as the regular expressions they replace', () => {
  const patterns = ['readout-*', 'readout-?', '*', '**', 'a/*/c', 'a/**', '**/c', 'a*b*c', '?*', 'x.y', 'a**b', '*/*', 'r-1'];
  const texts = ['readout-0', 'readout-10', 'a/b/c', 'a/c', 'abc', 'axbyc', 'x.y', 'xzy', '', 'a/b', 'ab', 'r-1', 'a/x/y/c'];
  for (const p of patterns) {
    const g = compileGlob(p);
    for (const t of texts) assert.equal(matchGlob(g, t), viaRegExp(p, t), `${p} against ${JSON.stringify(t)}`);
  }
});

test('a 100 KB glob and an exponential one are matched without a RegExp (time: text x pattern)', () => {
  const huge = compileGlob('a*'.repeat(50_000));
  assert.equal(matchGlob(huge, 'a'.repeat(10)), false);
  assert.equal(matchGlob(huge, 'a'.repeat(200)), false);
  // /^(a*)*b$/-like backtracking: `a*a*a*...c` against many a's and no c
  const nasty = compileGlob(`${'a*'.repeat(30)}c`);
  assert.equal(matchGlob(nasty, 'a'.repeat(5000)), false);
});
