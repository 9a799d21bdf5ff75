// The create form is generated from VarSpecs and validated before create.
import { describe, expect, it } from 'vitest';
import { buildVars, initialValue, listItems, validateField, widgetFor } from '../../renderer/src/features/environments/varForm.js';
import { varSpec } from './fixtures.js';

const readouts = varSpec({ name: 'readouts', type: 'int', defaultJson: '2', label: 'Readout tasks', min: 1, max: 64 });
const rate = varSpec({ name: 'rate', type: 'float', defaultJson: '100.5' });
const qc = varSpec({ name: 'qc_enabled', type: 'bool', defaultJson: 'true' });
const mode = varSpec({ name: 'mode', type: 'enum', defaultJson: '"physics"', values: ['physics', 'cosmics'] });
const hosts = varSpec({ name: 'hosts', type: 'list', defaultJson: '["a","b"]' });
const url = varSpec({ name: 'hooks_url', type: 'string', defaultJson: '""', public: false });

describe('var form', () => {
  it('picks a widget per type', () => {
    expect([readouts, rate, qc, mode, hosts, url].map(widgetFor)).toEqual(['number', 'number', 'checkbox', 'select', 'list', 'text']);
  });

  it('starts every field at its default', () => {
    expect(initialValue(readouts)).toBe('2');
    expect(initialValue(qc)).toBe(true);
    expect(initialValue(mode)).toBe('physics');
    expect(initialValue(hosts)).toBe('a\nb');
    expect(initialValue(url)).toBe('');
  });

  it('names the var and what is expected when a value is wrong', () => {
    expect(validateField(readouts, 'three')).toBe('Readout tasks: expected a whole number, got "three"');
    expect(validateField(readouts, '2.5')).toMatch(/whole number/);
    expect(validateField(readouts, '0')).toBe('Readout tasks: must be at least 1');
    expect(validateField(readouts, '65')).toBe('Readout tasks: must be at most 64');
    expect(validateField(readouts, '')).toMatch(/required/);
    expect(validateField(rate, '1e3')).toBeNull();
    expect(validateField(rate, 'fast')).toMatch(/rate: expected a number/);
    expect(validateField(mode, 'test')).toBe('mode: choose one of physics, cosmics');
    expect(validateField(hosts, '[1,')).toMatch(/JSON array/);
    expect(validateField(url, 'anything')).toBeNull();
  });

  it("sends only what differs from the defaults, in the var type's text form", () => {
    const r = buildVars([readouts, rate, qc, mode, hosts, url], { readouts: ' 4 ', qc_enabled: false, hosts: 'x, y' });
    expect(r.errors).toEqual({});
    expect(r.vars).toEqual({ readouts: '4', qc_enabled: 'false', hosts: '["x","y"]' });
  });

  it('reports every bad field at once and sends nothing for them', () => {
    const r = buildVars([readouts, mode], { readouts: 'x', mode: 'y' });
    expect(Object.keys(r.errors)).toEqual(['readouts', 'mode']);
    expect(r.vars).toEqual({});
  });

  it('reads lists as lines, commas or a JSON array', () => {
    expect(listItems('a\nb, c')).toEqual(['a', 'b', 'c']);
    expect(listItems('["x", 2]')).toEqual(['x', '2']);
    expect(listItems('')).toEqual([]);
  });
});
