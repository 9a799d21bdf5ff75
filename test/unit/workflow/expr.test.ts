// Template strings: CEL inside {{ }}, typed when alone, interpolated in text, compiled once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalTemplate, compileTemplate, ExprError, fromCel, celToString } from '../../../core/workflow/expr.js';
import { parseDuration, parseMemory } from '../../../core/workflow/units.js';
import { coerceValue, splitUserVars } from '../../../core/workflow/vars.js';
import { parseTrigger } from '../../../core/workflow/hooks.js';

const scope = { n: 3n, name: 'ro', on: true, xs: ['a', 'b'], rate: 2.5, baton: { node: '/bin/node', root: '/opt/baton' } };

test('a string that is exactly one expression keeps its type', () => {
  assert.equal(evalTemplate('{{ n + 1 }}', scope), 4n);
  assert.equal(evalTemplate('{{ on }}', scope), true);
  assert.equal(evalTemplate('{{ !on }}', scope), false);
  assert.deepEqual(evalTemplate('{{ range(0, n) }}', scope), [0n, 1n, 2n]);
  assert.equal(evalTemplate('{{ rate * 2.0 }}', scope), 5);
  assert.equal(evalTemplate('plain text', scope), 'plain text');
});

test('mixed text interpolates', () => {
  assert.equal(evalTemplate('{{ name }}-{{ n }}', scope), 'ro-3');
  assert.equal(evalTemplate('{{ baton.root }}/dist/x.js', scope), '/opt/baton/dist/x.js');
  assert.equal(evalTemplate('list {{ xs }} on={{ on }}', scope), 'list ["a","b"] on=true');
});

test('the added functions: range, pad, min, max, replace', () => {
  assert.deepEqual(fromCel(evalTemplate('{{ range(2, 5) }}', scope)), [2, 3, 4]);
  assert.deepEqual(fromCel(evalTemplate('{{ range(3) }}', scope)), [0, 1, 2]);
  assert.equal(evalTemplate('ro-{{ pad(n, 3) }}', scope), 'ro-003');
  assert.equal(evalTemplate('{{ min(n, 2) }}', scope), 2n);
  assert.equal(evalTemplate('{{ max(n, 7) }}', scope), 7n);
  assert.equal(evalTemplate('{{ "a-b".replace("-", "_") }}', scope), 'a_b');
  assert.equal(evalTemplate('{{ string(n) + "x" }}', scope), '3x');
  assert.equal(evalTemplate('{{ size(xs) }}', scope), 2n);
  assert.throws(() => evalTemplate('{{ range(0, 100000000) }}', scope), ExprError);
});

test('expression errors carry the expression', () => {
  for (const [s, re] of [
    ['{{ 1 + }}', /Unexpected/],
    ['{{ nope }}', /nope/],
    ['{{ 1 / 0 }}', /division/],
    ['x {{ y', /never closed/],
    ['{{ }}', /empty/],
  ] as const) {
    assert.throws(
      () => evalTemplate(s, scope),
      (e: unknown) => e instanceof ExprError && re.test(e.message),
      s,
    );
  }
});

test('each distinct template is compiled once', () => {
  const a = compileTemplate('{{ n * 2 }}-cached');
  assert.equal(compileTemplate('{{ n * 2 }}-cached'), a);
});

test('values as text', () => {
  assert.equal(celToString(5n), '5');
  assert.equal(celToString({ a: [1n] }), '{"a":[1]}');
  assert.equal(celToString(null), '');
});

test('durations and memory sizes', () => {
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('2m'), 120000);
  assert.equal(parseDuration('1.5h'), 5400000);
  assert.equal(parseDuration(1500), 1500);
  assert.equal(parseDuration(7n), 7);
  assert.equal(parseDuration('5 parsecs'), null);
  assert.equal(parseDuration(-1), null);
  assert.equal(parseMemory('512Mi'), 512 * 1024 * 1024);
  assert.equal(parseMemory('2G'), 2e9);
  assert.equal(parseMemory(1024), 1024);
  assert.equal(parseMemory('lots'), null);
});

test('user values are parsed by the var type', () => {
  const ok = (spec: Parameters<typeof coerceValue>[0], raw: unknown) => {
    const r = coerceValue(spec, raw);
    assert.ok(r.ok, `${JSON.stringify(raw)} as ${spec.type}`);
    return fromCel(r.value);
  };
  const bad = (spec: Parameters<typeof coerceValue>[0], raw: unknown) =>
    assert.equal(coerceValue(spec, raw).ok, false, `${JSON.stringify(raw)} as ${spec.type}`);
  assert.equal(ok({ type: 'int' }, ' 42 '), 42);
  assert.equal(ok({ type: 'int' }, 7), 7);
  bad({ type: 'int' }, '4.2');
  bad({ type: 'int' }, '99999999999999999999');
  bad({ type: 'int', min: 1 }, '0');
  bad({ type: 'int', max: 5 }, '6');
  assert.equal(ok({ type: 'float' }, '2.5'), 2.5);
  bad({ type: 'float' }, 'NaN');
  bad({ type: 'float' }, '');
  assert.equal(ok({ type: 'bool' }, 'yes'), true);
  assert.equal(ok({ type: 'bool' }, 'FALSE'), false);
  bad({ type: 'bool' }, 'maybe');
  assert.equal(ok({ type: 'string' }, 'x'), 'x');
  assert.equal(ok({ type: 'enum', values: ['a', 'b'] }, 'b'), 'b');
  bad({ type: 'enum', values: ['a', 'b'] }, 'c');
  assert.deepEqual(ok({ type: 'list' }, 'a, b,c'), ['a', 'b', 'c']);
  assert.deepEqual(ok({ type: 'list' }, '[1, "x", true]'), [1, 'x', true]);
  assert.deepEqual(ok({ type: 'list' }, ''), []);
  bad({ type: 'list' }, '[1, 2');
});

test('user var keys: plain, or aimed at a role path', () => {
  assert.deepEqual(
    splitUserVars({ rate: '1', 'builder.rate': '2', 'group/sub.x': '3', 'v1.2.n': '4' }).map((u) => [u.path, u.name]),
    [
      [null, 'rate'],
      ['builder', 'rate'],
      ['group/sub', 'x'],
      ['v1.2', 'n'],
    ],
  );
  assert.throws(() => splitUserVars({ 'a.b-c': '1' }), /not a var name/);
});

test('hook triggers', () => {
  assert.deepEqual(parseTrigger('after_START_ACTIVITY'), { when: 'after', transition: 'START_ACTIVITY' });
  assert.deepEqual(parseTrigger('enter_RUNNING'), { when: 'enter', transition: 'RUNNING' });
  assert.equal(parseTrigger('enter_START_ACTIVITY'), null);
  assert.equal(parseTrigger('after_RUNNING'), null);
  assert.equal(parseTrigger('during_CONFIGURE'), null);
});
