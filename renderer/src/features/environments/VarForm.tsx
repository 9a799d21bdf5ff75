// The create form for one workflow: public vars first, the others under "Advanced".
import { useMemo, useRef, useState, type FormEvent } from 'react';
import type { Template } from '../../../../core/rpc/gen/control.js';
import { buildVars, initialValue, type FieldValue } from './varForm.js';
import { VarField } from './VarField.js';

export interface CreateInput {
  vars: Record<string, string>;
  owner: string;
  autoDeploy: boolean;
  /** display name ('' for the default: workflow and run type) */
  name: string;
  /** default run type of its runs ('' for the workflow's) */
  runType: string;
}

export function VarForm({ template, busy, onSubmit }: { template: Template; busy?: boolean; onSubmit(input: CreateInput): void }) {
  const [values, setValues] = useState<Record<string, FieldValue>>(() => Object.fromEntries(template.vars.map((v) => [v.name, initialValue(v)])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [owner, setOwner] = useState('');
  const [autoDeploy, setAutoDeploy] = useState(false);
  const [name, setName] = useState('');
  const [runType, setRunType] = useState('');
  const formRef = useRef<HTMLFormElement>(null);
  const publicVars = useMemo(() => template.vars.filter((v) => v.public), [template]);
  const otherVars = useMemo(() => template.vars.filter((v) => !v.public), [template]);

  const set = (name: string, v: FieldValue) => {
    setValues((old) => ({ ...old, [name]: v }));
    if (errors[name]) setErrors(({ [name]: _gone, ...rest }) => rest);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = buildVars(template.vars, values);
    setErrors(r.errors);
    const bad = Object.keys(r.errors);
    if (bad.length) {
      const first = template.vars.find((v) => r.errors[v.name]);
      if (first && !first.public) formRef.current?.querySelector('details')?.setAttribute('open', '');
      if (first) document.getElementById(`var-${first.name}`)?.focus();
      return;
    }
    onSubmit({ vars: r.vars, owner: owner.trim(), autoDeploy, name: name.trim(), runType: runType.trim() });
  };
  const errorList = Object.values(errors);
  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label={`Variables of ${template.name}`}>
      {errorList.length ? (
        <div role="alert" className="form-errors">
          <p>Fix {errorList.length === 1 ? 'this' : `these ${errorList.length}`} before creating:</p>
          <ul>
            {errorList.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <fieldset>
        <legend>Variables</legend>
        {publicVars.length === 0 ? <p className="muted">This workflow has no public variables.</p> : null}
        {publicVars.map((v) => (
          <VarField key={v.name} spec={v} value={values[v.name]!} error={errors[v.name]} onChange={(x) => set(v.name, x)} />
        ))}
      </fieldset>
      {otherVars.length ? (
        <details>
          <summary>Advanced variables ({otherVars.length})</summary>
          {otherVars.map((v) => (
            <VarField key={v.name} spec={v} value={values[v.name]!} error={errors[v.name]} onChange={(x) => set(v.name, x)} />
          ))}
        </details>
      ) : null}
      <fieldset>
        <legend>Environment</legend>
        <div className="field">
          <label htmlFor="env-name">Name</label>
          <input id="env-name" type="text" maxLength={128} value={name} placeholder={template.name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="env-run-type">Run type</label>
          <input id="env-run-type" type="text" maxLength={64} value={runType} placeholder="e.g. PHYSICS" onChange={(e) => setRunType(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="env-owner">Owner</label>
          <input id="env-owner" type="text" value={owner} onChange={(e) => setOwner(e.target.value)} autoComplete="username" />
        </div>
        <div className="field field-check">
          <input id="env-autodeploy" type="checkbox" checked={autoDeploy} onChange={(e) => setAutoDeploy(e.target.checked)} />
          <label htmlFor="env-autodeploy">Deploy right after create</label>
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create'}
        </button>
      </div>
    </form>
  );
}
