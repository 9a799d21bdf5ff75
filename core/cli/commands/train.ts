// baton train list|lint|start|report: training walkthroughs (training/*.yaml) from the terminal.
// `start` runs one against a training stack (baton local up --training): a person follows the
// instructions in the console or here, or --scripted performs each step as CI does.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import { trainingDir, trainingFlagsDir } from '../../local/paths.js';
import { readState } from '../../local/state.js';
import { findWalkthrough, loadWalkthroughs, parseWalkthrough } from '../../training/load.js';
import { logDiskUnavailable } from '../../training/log-disk.js';
import { listReports, readReport, saveReport, type TrainingReport } from '../../training/report.js';
import { runWalkthrough } from '../../training/runner.js';
import { homeOf, withControl } from '../context.js';
import { diagnosticLine, fmtDuration, fmtTime, isJsonMode, out, printJson, table, withJson } from '../output.js';
import { progressView, runTransition } from '../progress.js';

function renderReport(r: TrainingReport): string {
  const lines = [
    `${r.title} (${r.walkthrough}): ${r.outcome}${r.reason ? `: ${r.reason}` : ''}`,
    `trainee ${r.trainee}${r.scripted ? ' (scripted)' : ''}, ${fmtTime(r.startedMs)}, ${fmtDuration(r.durationMs)}, environment ${r.envId}`,
    table(
      ['STEP', 'TIME', 'HINTS', 'WRONG ACTIONS', 'FAULTS'],
      r.steps.map((s, i) => [
        `${i + 1}. ${s.title}${s.completed ? '' : ' (not done)'}`,
        fmtDuration(s.durationMs),
        s.hints.length,
        s.wrongActions.length,
        s.faults.join('; ') || '-',
      ]),
    ),
  ];
  for (const [i, s] of r.steps.entries()) for (const w of s.wrongActions) lines.push(`step ${i + 1}: wrong action: ${w.what}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  const train = program.command('train').description('training walkthroughs: practise handbook procedures on a training stack, with injected faults');
  const dirOpt = (c: Command) => c.option('--dir <dir>', 'the walkthrough folder', trainingDir());

  withJson(dirOpt(train.command('list').description('the walkthroughs, with their audience and steps'))).action((o: { dir: string }) => {
    const all = loadWalkthroughs(path.resolve(o.dir));
    if (isJsonMode()) return printJson(all.map((l) => l.walkthrough ?? { file: l.diagnostics[0]?.file, problems: l.diagnostics.length }));
    out(
      table(
        ['ID', 'TITLE', 'AUDIENCE', 'STEPS', 'WORKFLOW'],
        all.map((l) =>
          l.walkthrough
            ? [
                l.walkthrough.id,
                l.walkthrough.title,
                l.walkthrough.audience,
                l.walkthrough.steps.length,
                // a cluster walkthrough needs its stack: baton local up --training --controllers N
                `${l.walkthrough.stack.workflow}${(l.walkthrough.stack.controllers ?? 1) > 1 ? ` (${l.walkthrough.stack.controllers} controllers)` : ''}`,
              ]
            : [path.basename(l.diagnostics[0]?.file ?? '?'), `(${l.diagnostics.length} problem(s): baton train lint)`, '-', '-', '-'],
        ),
      ),
    );
  });

  withJson(train.command('lint [file...]').description('check walkthrough files (default: all shipped): every error with file:line:col')).action(
    (files: string[]) => {
      const list = files.length
        ? files.map((f) => path.resolve(f))
        : fs
            .readdirSync(trainingDir())
            .filter((n) => /\.ya?ml$/.test(n))
            .map((n) => path.join(trainingDir(), n));
      const noMount = logDiskUnavailable();
      const results = list.map((f) => {
        if (!fs.existsSync(f)) throw new BatonError('BAD_INPUT', `${f}: no such file`, { where: f });
        const { walkthrough, diagnostics } = parseWalkthrough(f, fs.readFileSync(f, 'utf8'));
        // not an error of the file: this machine cannot inject the fault (train start refuses it)
        const usesMount = walkthrough?.steps.some((s) => s.faults?.some((x) => 'fill_log_disk' in x));
        return { file: f, diagnostics, ...(noMount && usesMount ? { note: `cannot run here: ${noMount}` } : {}) };
      });
      const errors = results.reduce((n, r) => n + r.diagnostics.length, 0);
      if (isJsonMode()) printJson({ ok: errors === 0, errors, files: results });
      else {
        for (const r of results) for (const d of r.diagnostics) out(diagnosticLine(d));
        for (const r of results) if (r.note) out(`${r.file}: note: ${r.note}`);
        out(errors ? `${errors} error${errors === 1 ? '' : 's'}` : `ok: ${results.length} walkthrough${results.length === 1 ? '' : 's'}`);
      }
      if (errors) process.exitCode = 2;
    },
  );

  withJson(
    dirOpt(
      train
        .command('start <walkthrough>')
        .description('run a walkthrough on the local training stack (baton local up --training) and save its report')
        .option('--scripted', 'the scripted trainee performs every step (what CI runs)')
        .option('--trainee <name>', 'who is trained (the report says)', os.userInfo().username),
    ),
  ).action(async (id: string, o: { dir: string; scripted?: boolean; trainee: string }, cmd: Command) => {
    const home = homeOf(cmd);
    const w = findWalkthrough(path.resolve(o.dir), id);
    if (!readState(home)) throw new BatonError('UNAVAILABLE', `no local stack in ${home}: start one with baton local up --training`, { where: '--home' });
    const ac = new AbortController();
    const onSig = () => ac.abort();
    process.once('SIGINT', onSig);
    const rl = o.scripted || isJsonMode() ? null : readline.createInterface({ input: process.stdin, output: process.stdout });
    try {
      const report = await withControl(cmd, (control) =>
        runWalkthrough({
          control,
          walkthrough: w,
          target: { control, home, flagsDir: trainingFlagsDir(home) },
          transition: async (envId, name) => {
            await runTransition(control, envId, name, { view: progressView(process.stderr, false, '') });
          },
          io: { say: (text) => (isJsonMode() ? undefined : out(text)), ask: rl ? (q, signal) => askAtTerminal(rl, q, signal) : undefined },
          scripted: !!o.scripted,
          trainee: o.trainee,
          signal: ac.signal,
        }),
      );
      const file = saveReport(home, report);
      if (isJsonMode()) printJson({ ...report, file });
      else out(`\n${renderReport(report)}\nreport saved: ${file}`);
      if (report.outcome !== 'completed') process.exitCode = 1;
    } finally {
      rl?.close();
      process.off('SIGINT', onSig);
    }
  });

  withJson(train.command('report [which]').description("the saved reports (newest first), or one: a file name, or 'last'")).action(
    (which: string | undefined, _o, cmd: Command) => {
      const home = homeOf(cmd);
      if (which) {
        const { file, report } = readReport(home, which);
        if (isJsonMode()) return printJson({ ...report, file });
        return out(renderReport(report));
      }
      const all = listReports(home);
      if (isJsonMode()) return printJson(all.map(({ file, report }) => ({ file, ...report })));
      if (!all.length) return out('no training reports yet: baton train start <walkthrough>');
      out(
        table(
          ['REPORT', 'WALKTHROUGH', 'TRAINEE', 'OUTCOME', 'TIME', 'HINTS', 'WRONG ACTIONS'],
          all.map(({ file, report: r }) => [
            path.basename(file, '.json'),
            r.walkthrough,
            r.trainee + (r.scripted ? ' (scripted)' : ''),
            r.outcome,
            fmtDuration(r.durationMs),
            r.steps.reduce((n, s) => n + s.hints.length, 0),
            r.steps.reduce((n, s) => n + s.wrongActions.length, 0),
          ]),
        ),
      );
    },
  );
}

/** The step's question at the terminal. Withdrawn when the step is done without it (another branch
 *  of an `any:` held): the prompt's line is then ended, so that what follows starts on its own. */
function askAtTerminal(rl: readline.Interface, question: string, signal: AbortSignal): Promise<string> {
  return rl.question(`${question} `, { signal }).catch((e: unknown) => {
    if (signal.aborted) out('');
    throw e;
  });
}
