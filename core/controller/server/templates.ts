// Control RPCs on templates: list, render (dry run: expansion plus placements), lint.
import type {
  ControlServer,
  LintTemplateReply,
  LintTemplateRequest,
  ListTemplatesReply,
  ListTemplatesRequest,
  RenderTemplateReply,
  RenderTemplateRequest,
  Template,
} from '../../rpc/gen/control.js';
import type { WorkflowSummary } from '../../workflow/types.js';
import { renderPlan } from '../../workflow/index.js';
import { BatonError, isBatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import { nodeSnapshots, planPlacement } from '../placement.js';
import { isWorkerLoader } from '../workers/loader.js';
import { EncodedReply } from './encoded.js';
import { unary } from './wrap.js';

function templateToProto(w: WorkflowSummary): Template {
  return {
    name: w.name,
    repo: w.repo,
    file: w.file,
    description: w.description,
    revision: w.revision,
    vars: w.vars.map((v) => ({
      name: v.name,
      type: v.type,
      defaultJson: v.default === undefined ? '' : JSON.stringify(v.default),
      label: v.label ?? '',
      description: v.description ?? '',
      public: !!v.public,
      widget: v.widget ?? '',
      values: v.values ?? [],
      min: v.min,
      max: v.max,
    })),
  };
}

/** The expansion with the placement every task would get now (or why it would not fit). */
async function render(controller: ControllerCore, req: RenderTemplateRequest): Promise<string> {
  if (!req.workflow) throw new BatonError('BAD_INPUT', 'a workflow is required', { where: 'workflow' });
  const expanded = await controller.loader.expand(req.workflow, req.vars ?? {}, { repo: req.repo || undefined, revision: req.revision || undefined });
  const plan = renderPlan(expanded);
  let placementError: unknown = null;
  try {
    const names = planPlacement(controller, expanded.tasks);
    expanded.tasks.forEach((t, i) => {
      plan.placements[t.name] = names[i]!;
    });
  } catch (e) {
    if (!isBatonError(e)) throw e;
    placementError = e.detail; // the plan is still worth seeing; the reason it would not place is in it
  }
  return JSON.stringify({ ...plan, placementError }, null, 2);
}

export function templateHandlers(controller: ControllerCore): Pick<ControlServer, 'listTemplates' | 'renderTemplate' | 'lintTemplate'> {
  return {
    listTemplates: unary<ListTemplatesRequest, ListTemplatesReply>(controller, async (req) => ({
      templates: (await controller.loader.list(req.repo || undefined)).map(templateToProto),
    })),

    renderTemplate: unary<RenderTemplateRequest, RenderTemplateReply>(controller, async (req) => {
      // the default loader renders in a worker thread, reply encoded: a large plan costs this
      // thread neither its expansion nor its encoding
      if (isWorkerLoader(controller.loader)) {
        if (!req.workflow) throw new BatonError('BAD_INPUT', 'a workflow is required', { where: 'workflow' });
        const bytes = await controller.loader.renderReply(
          req.workflow,
          req.vars ?? {},
          { repo: req.repo || undefined, revision: req.revision || undefined },
          nodeSnapshots(controller),
        );
        return new EncodedReply(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as unknown as RenderTemplateReply;
      }
      return { json: await render(controller, req) };
    }),

    lintTemplate: unary<LintTemplateRequest, LintTemplateReply>(controller, async (req) => {
      if (!req.path) throw new BatonError('BAD_INPUT', 'a path is required', { where: 'path' });
      const diags = await controller.loader.lint(req.path, req.content || undefined);
      return { diagnostics: diags.map((d) => ({ ...d })) };
    }),
  };
}
