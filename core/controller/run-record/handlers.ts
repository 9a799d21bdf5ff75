// Control RPCs of the run record: GetRun (the whole record, with comments and, on request, the
// configuration snapshot) and CommentRun (an operator's comment, with who and when).
import type { CommentRunRequest, ControlServer, GetRunRequest, Run, RunConfig } from '../../rpc/gen/control.js';
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import { runToProto } from '../convert.js';
import { unary } from '../server/wrap.js';

const MAX_COMMENT_CHARS = 2000;

async function storedRun(controller: ControllerCore, runNumber: number) {
  if (!runNumber) throw new BatonError('BAD_INPUT', 'a run number is required (1 or more)', { where: 'run_number' });
  const run = await controller.store.getRun(runNumber);
  if (!run) throw new BatonError('NOT_FOUND', `run ${runNumber} not found`, { where: 'run_number' });
  return run;
}

async function withComments(controller: ControllerCore, runNumber: number, base: Run): Promise<Run> {
  const comments = await controller.store.listRunComments(runNumber);
  return { ...base, comments: comments.map((c) => ({ user: c.user, timeMs: c.timeMs, text: c.text })) };
}

async function configOf(controller: ControllerCore, envId: string, runNumber: number, withRendered: boolean): Promise<RunConfig | undefined> {
  const config = await controller.store.getRunConfig(runNumber);
  if (!config) return undefined;
  // the rendered workflow is the environment's (kept after destroy)
  const env = withRendered ? await controller.store.getEnvironment(envId) : null;
  return {
    workflow: config.workflow,
    file: config.file,
    repo: config.repo,
    revision: config.revision,
    vars: config.vars,
    varsInForceJson: JSON.stringify(config.varsInForce),
    excludedRoles: config.excludedRoles,
    renderedJson: env?.expanded ? JSON.stringify(env.expanded) : '',
    tasks: config.tasks ?? 0,
    hooks: config.hooks ?? 0,
    channels: config.channels ?? 0,
  };
}

export function runRecordHandlers(controller: ControllerCore): Pick<ControlServer, 'getRun' | 'commentRun'> {
  return {
    getRun: unary<GetRunRequest, Run>(controller, async (req) => {
      const run = await storedRun(controller, req.runNumber);
      const out = await withComments(controller, run.runNumber, runToProto(run));
      out.config = await configOf(controller, run.envId, run.runNumber, req.withRendered);
      out.summary = (await controller.store.getRunSummary(run.runNumber)) ?? undefined;
      return out;
    }),

    commentRun: unary<CommentRunRequest, Run>(controller, async (req, _call, caller) => {
      const text = req.text.trim();
      if (!text) throw new BatonError('BAD_INPUT', 'a comment needs some text', { where: 'text' });
      if ([...text].length > MAX_COMMENT_CHARS) {
        throw new BatonError('BAD_INPUT', `a comment is at most ${MAX_COMMENT_CHARS} characters (got ${[...text].length})`, { where: 'text' });
      }
      const run = await storedRun(controller, req.runNumber);
      const timeMs = Date.now();
      await controller.store.addRunComment({ runNumber: run.runNumber, user: caller.user, timeMs, text });
      controller.emit({
        kind: 'run.comment',
        envId: run.envId,
        runNumber: run.runNumber,
        message: `${caller.user} on run ${run.runNumber}: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`,
        data: { user: caller.user, text },
      });
      // the record as GetRun gives it (without the rendered workflow), the new comment included
      const out = await withComments(controller, run.runNumber, runToProto(run));
      out.config = await configOf(controller, run.envId, run.runNumber, false);
      out.summary = (await controller.store.getRunSummary(run.runNumber)) ?? undefined;
      return out;
    }),
  };
}
