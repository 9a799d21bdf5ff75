// A restarted controller comes back with its nodes, environments (from their stored expanded
// workflows: no template repo needed), tasks and open runs. Task states are then re-synced from
// the agents' Hellos; a node that does not come back within heartbeatTimeoutMs loses its tasks.
// An environment whose transition the crash interrupted is held until then (reconcile/restart.ts).
import type { ExpandedWorkflow } from '../workflow/types.js';
import type { ErrorDetailLike } from '../model/errors.js';
import { ENV_STATES, TASK_STATES, type EnvState, type TaskState } from '../model/states.js';
import type { ExitInfo } from '../rpc/gen/common.js';
import type { ControllerCore } from './core.js';
import { EnvRuntime } from './model/env.js';
import { nodeDown } from './faults.js';
import { decodeTaskState } from '../store/task-states.js';
import { holdInterrupted } from './reconcile/restart.js';

export async function restore(controller: ControllerCore): Promise<void> {
  for (const rec of await controller.store.listNodes()) {
    const n = controller.nodes.ensure(rec.name, rec.address);
    n.labels = rec.labels;
    n.sim = rec.sim;
    n.addedMs = rec.addedMs;
    n.stored = true;
  }
  for (const rec of await controller.store.listEnvironments()) {
    const expanded = rec.expanded as ExpandedWorkflow | null;
    if (!expanded?.root || !Array.isArray(expanded.tasks)) {
      console.error(`baton controller: environment ${rec.id} has no stored expanded workflow; skipping it`);
      continue;
    }
    const state = (ENV_STATES as readonly string[]).includes(rec.state) ? (rec.state as EnvState) : 'ERROR';
    const env = new EnvRuntime(
      {
        id: rec.id,
        name: rec.name,
        workflow: rec.workflow,
        state,
        runNumber: rec.runNumber,
        owner: rec.owner,
        createdMs: rec.createdMs,
        updatedMs: rec.updatedMs,
        vars: rec.vars,
        repo: rec.repo,
        revision: rec.revision,
        error: (rec.error as ErrorDetailLike | null) ?? null,
      },
      expanded,
    );
    const live = state !== 'STANDBY' && state !== 'DONE';
    const stored = new Map((await controller.store.listTasks(rec.id)).map((r) => [r.id, r]));
    // the vector is written at every flush that changed a state: it is the newest word on states
    const vector = await controller.store.getTaskStateVector(rec.id);
    const useVector = vector !== null && vector.length === env.tasks.length;
    const placement = await controller.store.getTaskPlacement(rec.id);
    for (let i = 0; i < env.tasks.length; i++) {
      const t = env.tasks[i]!;
      controller.tasks.set(t.id, t);
      const v = useVector ? decodeTaskState(vector, i) : null;
      // no row: the task had nothing beyond its node and state to keep
      const r = stored.get(t.id) ?? {
        id: t.id,
        envId: env.id,
        name: t.name,
        state: v?.state ?? 'STANDBY',
        node: placement?.[i] ?? '',
        pid: 0,
        lost: false,
        exit: null,
        ports: {},
        logPath: '',
        host: '',
        error: null,
        addresses: {},
      };
      if (v) r.state = v.state;
      if (!r.node && placement?.[i]) r.node = placement[i]!;
      t.node = r.node;
      t.pid = r.pid;
      t.host = r.host;
      t.logPath = r.logPath;
      t.ports = r.ports ?? {};
      t.addresses = r.addresses ?? {};
      t.exit = (r.exit as ExitInfo | null) ?? null;
      t.error = (r.error as ErrorDetailLike | null) ?? null;
      if ((TASK_STATES as readonly string[]).includes(r.state)) env.setTaskState(t, r.state as TaskState);
      t.launched = live && t.included && !t.exit && r.state !== 'DONE';
      if (t.node && state !== 'DONE') {
        const n = controller.nodes.get(t.node) ?? controller.nodes.ensure(t.node, '');
        n.assign(t);
      }
    }
    if (env.runNumber !== null) {
      const run = (await controller.store.listRuns({ envId: env.id, limit: 5 })).find((x) => x.runNumber === env.runNumber);
      env.runStartedMs = run?.startedMs ?? 0;
    }
    env.runType = await controller.store.getEnvRunType(env.id);
    controller.envs.set(env.id, env);
  }
  // transitions a crash interrupted: held until the agents tell the tasks' true states
  await holdInterrupted(controller);
}

/** Nodes that hold tasks but have not said Hello by then: their tasks are lost. */
export function startRestoreGrace(controller: ControllerCore): NodeJS.Timeout {
  const t = setTimeout(() => {
    for (const n of controller.nodes.all()) {
      if (n.synced || n.up) continue;
      let holds = false;
      for (const task of n.tasks)
        if (task.launched) {
          holds = true;
          break;
        }
      if (holds) nodeDown(controller, n, `not reachable since the controller started (${n.link?.lastDownReason || 'no answer'})`);
    }
  }, controller.cfg.heartbeatTimeoutMs);
  t.unref();
  return t;
}
