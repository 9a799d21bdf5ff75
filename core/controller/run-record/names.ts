// An environment's display name and run types: checked where they come in (CreateEnvironment,
// START_ACTIVITY's run_type argument), so that bad input changes nothing.
import { BatonError } from '../../model/errors.js';

const RUN_TYPE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_NAME = 128;

/** '' or a run type such as PHYSICS, COSMICS, calibration-1; else BAD_INPUT naming `where`. */
export function checkRunType(runType: string, where: string): string {
  const v = runType.trim();
  if (v && !RUN_TYPE.test(v)) {
    throw new BatonError(
      'BAD_INPUT',
      `run type ${JSON.stringify(runType)} is not valid: 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit`,
      { where },
    );
  }
  return v;
}

/** '' or a display name of at most 128 characters without control characters. */
export function checkEnvName(name: string, where: string): string {
  const v = name.trim();
  if ([...v].length > MAX_NAME) throw new BatonError('BAD_INPUT', `name is too long: at most ${MAX_NAME} characters`, { where });
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new BatonError('BAD_INPUT', 'name must not contain control characters (newlines, tabs...)', { where });
  return v;
}

/** The run type a workflow declares through its var run_type, if any. */
export function workflowRunType(varsInForce: Record<string, unknown> | undefined): string {
  const v = varsInForce?.run_type;
  return typeof v === 'string' && RUN_TYPE.test(v.trim()) ? v.trim() : '';
}

/** The default display name: the workflow's name, with the run type when there is one. */
export function defaultEnvName(workflowName: string, runType: string): string {
  return runType ? `${workflowName} ${runType}` : workflowName;
}

/** CreateEnvironment's name and run_type, checked (BAD_INPUT before anything is expanded or stored). */
export function checkNaming(req: { name?: string; runType?: string }): { name: string; runType: string } {
  return { name: checkEnvName(req.name ?? '', 'name'), runType: checkRunType(req.runType ?? '', 'run_type') };
}

/** Gives a new environment its display name and default run type. */
export function nameEnvironment(
  env: { name: string; runType: string; expanded: { name: string; vars: Record<string, unknown> } },
  asked: { name: string; runType: string },
): void {
  env.runType = asked.runType || workflowRunType(env.expanded.vars);
  env.name = asked.name || defaultEnvName(env.expanded.name, env.runType);
}
