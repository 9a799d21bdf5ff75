// One generated form field for a VarSpec: labelled, described, with its error tied to it.
import type { VarSpec } from '../../../../core/rpc/gen/control.js';
import { widgetFor, type FieldValue } from './varForm.js';

export function VarField({ spec, value, error, onChange }: { spec: VarSpec; value: FieldValue; error?: string; onChange(v: FieldValue): void }) {
  const id = `var-${spec.name}`;
  const label = spec.label || spec.name;
  const describedBy = [spec.description ? `${id}-desc` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: spec.name, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy } as const;
  const w = widgetFor(spec);
  let input;
  if (w === 'checkbox') {
    input = <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  } else if (w === 'select') {
    input = (
      <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
        {spec.values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  } else if (w === 'number') {
    input = (
      <input type="text" inputMode={spec.type === 'int' ? 'numeric' : 'decimal'} {...common} value={String(value)} onChange={(e) => onChange(e.target.value)} />
    );
  } else if (w === 'list') {
    input = <textarea {...common} rows={3} value={String(value)} onChange={(e) => onChange(e.target.value)} />;
  } else {
    input = <input type="text" {...common} value={String(value)} onChange={(e) => onChange(e.target.value)} />;
  }
  const range =
    spec.min !== undefined || spec.max !== undefined
      ? ` (${spec.min !== undefined ? `min ${spec.min}` : ''}${spec.min !== undefined && spec.max !== undefined ? ', ' : ''}${spec.max !== undefined ? `max ${spec.max}` : ''})`
      : '';
  return (
    <div className={`field ${w === 'checkbox' ? 'field-check' : ''} ${error ? 'invalid' : ''}`}>
      {w === 'checkbox' ? (
        <>
          {input}
          <label htmlFor={id}>{label}</label>
        </>
      ) : (
        <>
          <label htmlFor={id}>
            {label}
            <span className="muted small">
              {' '}
              {spec.type}
              {range}
            </span>
          </label>
          {input}
        </>
      )}
      {spec.description ? (
        <p id={`${id}-desc`} className="hint">
          {spec.description}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-err`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
