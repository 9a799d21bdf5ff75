// Create an environment from any workflow of the template repos, with a form generated from the
// workflow's variable specs. The chosen workflow is in the URL (?workflow=), so a reload keeps it.
import { useEffect, useState } from 'react';
import { call } from '../../api/client.js';
import { asBatonError } from '../../api/errors.js';
import { envPath, navigate, withQuery, useRoute } from '../../app/router.js';
import { useConsole } from '../../store/context.js';
import { ErrorDetailView } from '../../ui/ErrorDetailView.js';
import { useSync } from '../shell/services.js';
import type { ErrorDetailLike } from '../../../../core/model/errors.js';
import { VarForm, type CreateInput } from './VarForm.js';

export function CreateEnvironmentView() {
  const sync = useSync();
  const route = useRoute();
  const templates = useConsole((s) => s.templates);
  const upsertEnv = useConsole((s) => s.upsertEnv);
  const [loadError, setLoadError] = useState<ErrorDetailLike | null>(null);
  const [createError, setCreateError] = useState<ErrorDetailLike | null>(null);
  const [busy, setBusy] = useState(false);
  const setTemplates = useConsole((s) => s.setTemplates);
  useEffect(() => {
    call('ListTemplates', {})
      .then((r) => {
        setTemplates(r.templates);
        setLoadError(null);
      })
      .catch((e) => setLoadError(asBatonError(e).detail));
  }, [setTemplates]);
  const chosen = route.query.get('workflow') ?? templates[0]?.name ?? '';
  const template = templates.find((t) => t.name === chosen);

  const create = async (input: CreateInput) => {
    if (!template) return;
    setBusy(true);
    setCreateError(null);
    try {
      const env = await call('CreateEnvironment', {
        workflow: template.name,
        repo: template.repo,
        revision: template.revision,
        vars: input.vars,
        owner: input.owner,
        autoDeploy: input.autoDeploy,
        name: input.name,
        runType: input.runType,
      });
      upsertEnv(env);
      void sync.envs();
      navigate(envPath(env.id));
    } catch (e) {
      setCreateError(asBatonError(e).detail);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="page" aria-labelledby="new-h">
      <header className="page-head">
        <h1 id="new-h">Create environment</h1>
      </header>
      {loadError ? <ErrorDetailView detail={loadError} title="Could not load workflows" /> : null}
      <div className="field">
        <label htmlFor="workflow">Workflow</label>
        <select id="workflow" value={chosen} onChange={(e) => navigate(withQuery('workflow', e.target.value), { replace: true })}>
          {templates.length === 0 ? <option value="">(loading…)</option> : null}
          {templates.map((t) => (
            <option key={`${t.repo}:${t.name}`} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
        {template?.description ? <p className="hint">{template.description}</p> : null}
        {template ? (
          <p className="muted small mono">
            {template.file}
            {template.revision ? ` @ ${template.revision}` : ''}
          </p>
        ) : null}
      </div>
      {createError ? <ErrorDetailView detail={createError} title="Create failed" /> : null}
      {template ? <VarForm key={`${template.repo}:${template.name}`} template={template} busy={busy} onSubmit={create} /> : null}
    </section>
  );
}
