// baton local up|down|status: the whole stack on this machine.
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import { localDown } from '../../local/down.js';
import { localStatus } from '../../local/status.js';
import { localUp } from '../../local/up.js';
import { readState } from '../../local/state.js';
import { collect, parseCount, parseDuration } from '../args.js';
import { homeOf } from '../context.js';
import { fmtAge, fmtDuration, info, isJsonMode, out, printJson, withJson } from '../output.js';
import { progressView } from '../progress.js';

export function register(program: Command): void {
  const local = program.command('local').description('local mode: a controller and agents on this machine');

  withJson(
    local
      .command('up')
      .description('start a controller and N agents (and simulated agents) in the background; returns when ready')
      .option('--agents <n>', 'real agents (the first half zone=upstream, the rest zone=downstream)', '2')
      .option('--sim-agents <m>', 'simulated agents (100 per process, label sim=true)', '0')
      .option('--sim-tasks <k>', 'also create (not deploy) a sim-farm environment with K tasks')
      .option('--repo <dir>', 'a template repo for the controller besides the shipped assets (repeatable)', collect, [])
      .option('--training', 'a training stack: walkthroughs (baton train) may inject faults, the console says it is not production')
      .option('--timeout <duration>', 'how long to wait for everything to come up', '60s')
      .option('--no-metrics', 'no Prometheus metrics endpoints (by default every process serves one on a loopback port)')
      .option('--controllers <n>', 'controllers: 1 on SQLite, or 2-3 as a fail-over cluster on a local etcd (leader election)', '1'),
  ).action(
    async (
      o: { agents: string; simAgents: string; simTasks?: string; repo: string[]; training?: boolean; timeout: string; metrics: boolean; controllers: string },
      cmd: Command,
    ) => {
      const home = homeOf(cmd);
      const agents = parseCount(o.agents, '--agents');
      const simAgents = parseCount(o.simAgents, '--sim-agents');
      const simTasks = o.simTasks !== undefined ? parseCount(o.simTasks, '--sim-tasks', 1) : undefined;
      const timeoutMs = parseDuration(o.timeout, '--timeout') + simAgents * 100;
      const view = progressView(process.stderr, !isJsonMode(), '');
      const ac = new AbortController();
      const onSig = () => ac.abort();
      process.once('SIGINT', onSig);
      process.once('SIGTERM', onSig);
      if (!isJsonMode()) info(readState(home) ? `checking the local stack in ${home}` : `starting a local stack in ${home}`);
      const r = await localUp({
        home,
        agents,
        simAgents,
        simTasks,
        repos: o.repo,
        training: !!o.training,
        timeoutMs,
        metrics: o.metrics,
        controllers: parseCount(o.controllers, '--controllers', 1),
        signal: ac.signal,
        onProgress: (p) =>
          p.total ? view.update(p.step === 'agents' ? 'agents listening' : 'agents up in the controller', p.done ?? 0, p.total) : view.line(p.message),
      });
      view.end();
      const s = r.state;
      if (r.restarted) {
        // the stack was there: repaired (or already up)
        if (isJsonMode()) {
          return printJson({
            home: s.home,
            alreadyUp: r.restarted.length === 0,
            restarted: r.restarted,
            controller: { address: s.controller.address, pid: s.controller.pid, log: s.controller.log },
            agents: s.agents.map((a) => ({ name: a.name, address: a.address, pid: a.pid, labels: a.labels, log: a.log })),
            user: r.user,
            durationMs: r.durationMs,
          });
        }
        if (!r.restarted.length) {
          out(
            s.cluster
              ? `the local stack in ${s.home} is already up (${s.cluster.controllers.length} controllers and etcd: baton local status shows which leads)`
              : `the local stack in ${s.home} is already up (controller ${s.controller.address}, pid ${s.controller.pid})`,
          );
        } else {
          out(
            `repaired the local stack in ${s.home} in ${fmtDuration(r.durationMs)}: restarted ${r.restarted.map((p) => `${p.what} (pid ${p.oldPid} -> ${p.pid})`).join(', ')}`,
          );
          out('environments and the tasks that survived are kept: baton env list');
        }
        return;
      }
      if (isJsonMode()) {
        return printJson({
          home: s.home,
          controller: { address: s.controller.address, pid: s.controller.pid, log: s.controller.log },
          agents: s.agents.map((a) => ({ name: a.name, address: a.address, pid: a.pid, labels: a.labels, log: a.log })),
          simAgents: s.simAgents.map((p) => ({ pid: p.pid, count: p.count, log: p.log })),
          metrics: s.metrics ?? [],
          prometheusConfig: s.prometheusConfig ?? null,
          cluster: s.cluster ?? null,
          envId: r.envId ?? null,
          user: r.user,
          durationMs: r.durationMs,
        });
      }
      out(`local stack up in ${fmtDuration(r.durationMs)} (BATON_HOME=${s.home})`);
      if (s.cluster) {
        for (const c of s.cluster.controllers) out(`  ${c.name.padEnd(14)}${c.address}  pid ${c.pid}`);
        out(`  etcd        ${s.cluster.etcd.endpoint}  pid ${s.cluster.etcd.pid}  (the controllers' store; one of them leads: baton local status)`);
      } else out(`  controller  ${s.controller.address}  pid ${s.controller.pid}`);
      if (s.agents.length) out(`  agents      ${s.agents.map((a) => `${a.name} (zone=${a.labels.zone})`).join(', ')}`);
      const nSim = s.simAgents.reduce((n, p) => n + p.count, 0);
      if (nSim) out(`  sim agents  ${nSim} in ${s.simAgents.length} process${s.simAgents.length === 1 ? '' : 'es'}`);
      out(`  logs        ${s.home}/local/*.log`);
      if (s.metrics?.length) {
        out(`  metrics     ${s.metrics.map((m) => `${m.name} ${m.url}`).join(', ')}`);
        out(`              prometheus --config.file=${s.prometheusConfig} scrapes them all`);
      }
      out(`  you         ${r.user.name} (${r.user.role}); your token: ${r.user.tokenFile}`);
      if (r.envId) out(`sim-farm environment ${r.envId} created (${simTasks} tasks): baton env control ${r.envId} DEPLOY`);
      else out('next: baton env create quick --deploy');
      out('stop everything with: baton local down');
    },
  );

  withJson(local.command('status').description('what the local stack runs: controller, nodes, environments')).action(async (_o, cmd: Command) => {
    const home = homeOf(cmd);
    const st = await localStatus({ home });
    if (!st.running) {
      const dead = (st.dead ?? []).map((d) => `${d.what} (pid ${d.pid})`).join(', ');
      const msg = st.controller
        ? `the local stack in ${home} does not answer (controller ${st.controller.address}${st.controller.error ? `: ${st.controller.error.message}` : ''})${dead ? `; dead: ${dead}` : ''}; repair it with \`${st.repair}\` (environments are kept), or stop everything with \`baton local down\``
        : `no local stack is running in ${home}; start one with \`baton local up\``;
      if (isJsonMode()) {
        printJson({ ...st, error: { code: 'UNAVAILABLE', message: msg } });
        process.exitCode = 1;
        return;
      }
      throw new BatonError('UNAVAILABLE', msg, { where: home });
    }
    if (isJsonMode()) return printJson(st);
    const c = st.controller!;
    out(`local stack in ${home}: running${st.startedMs ? ` for ${fmtAge(st.startedMs)}` : ''}`);
    if (st.cluster) {
      for (const m of st.cluster.controllers) out(`  ${m.name.padEnd(14)}${m.address}  pid ${m.pid}  ${m.role === 'leader' ? 'LEADER' : m.role}`);
      out(`  etcd          ${st.cluster.etcd.endpoint}  pid ${st.cluster.etcd.pid}${st.cluster.etcd.alive ? '' : '  dead'}  ${c.id ?? ''}`);
    } else out(`  controller    ${c.address}  pid ${c.pid}${c.id ? `  ${c.id}` : ''}${c.store ? `  ${c.store}` : ''}`);
    out(`  nodes         ${st.nodes?.up ?? 0}/${st.nodes?.total ?? 0} up`);
    const dead = (st.dead ?? []).map((d) => `${d.what} (pid ${d.pid})`);
    if (dead.length) out(`  not running   ${dead.join(', ')}: repair with \`${st.repair}\``);
    const envs = st.environments ?? [];
    out(`  environments  ${envs.length}`);
    for (const e of envs) out(`    ${e.id}  ${e.name || e.workflow}  ${e.state}${e.runNumber != null ? `  run ${e.runNumber}` : ''}`);
    if (st.lastRunNumber) out(`  last run      ${st.lastRunNumber}`);
    out(`  logs          ${st.logs}/*.log`);
  });

  withJson(local.command('down').description('destroy every environment, stop agents and controller, and leave no process behind')).action(
    async (_o, cmd: Command) => {
      const home = homeOf(cmd);
      const r = await localDown({
        home,
        onProgress: (m) => {
          if (!isJsonMode()) info(m);
        },
      });
      if (isJsonMode()) printJson(r);
      else {
        if (!r.wasRunning) out(`no local stack was running in ${home}`);
        if (r.environments.length) {
          out(
            `destroyed ${r.environments.filter((e) => e.destroyed).length}/${r.environments.length} environments: ${r.environments.map((e) => `${e.id} (${e.workflow}, was ${e.state})`).join(', ')}`,
          );
        }
        const stopped = r.stopped.filter((s) => s.signal);
        if (stopped.length) out(`stopped ${stopped.map((s) => `${s.what} (pid ${s.pid}${s.signal === 'SIGKILL' ? ', needed SIGKILL' : ''})`).join(', ')}`);
        if (r.leftovers.length) {
          out(`killed ${r.leftovers.length} leftover process${r.leftovers.length === 1 ? '' : 'es'}:`);
          for (const l of r.leftovers.slice(0, 20)) out(`  pid ${l.pid} (${l.reason}): ${l.command}`);
        }
        if (r.wasRunning) out(`local stack in ${home} is down (${fmtDuration(r.durationMs)})`);
      }
      const failed = r.environments.filter((e) => !e.destroyed);
      if (r.remaining.length) {
        if (isJsonMode()) {
          process.exitCode = 1;
          return;
        }
        throw new BatonError('INTERNAL', `processes still alive after local down: ${r.remaining.join(' ')}`, { where: home });
      }
      if (failed.length && !isJsonMode()) info(`warning: ${failed.length} environment(s) could not be destroyed cleanly; their processes were killed`);
    },
  );
}
