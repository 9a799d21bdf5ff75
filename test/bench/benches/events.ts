// 4. Event stream (event-stream.ts) and log capture (log-capture.ts): the figures and notes.
import type { Benchmark, BenchOutput } from '../bench.js';
import { failedFigure, figure, type Figure } from '../results.js';
import { eventStream } from './event-stream.js';
import { logBurst, logFixedRate } from './log-capture.js';

export const events: Benchmark = {
  name: 'events',
  title: 'Event stream (Subscribe, no loss) and log capture (20 chatty tasks)',
  async run(ctx): Promise<BenchOutput> {
    const ev = await eventStream(ctx);
    ctx.log(`events: best paced step ${ev.best ? `${ev.best.receivedPerS}/s` : 'none'}; flat out ${ev.flat.received}/${ev.flat.produced}`);
    const fixed = await logFixedRate(ctx, ctx.smoke ? 1000 : 5000, ctx.smoke ? 2 : 10);
    ctx.log(`logs at ${fixed.rate}/s per task: ${fixed.linesPerS} lines/s captured, lost ${fixed.lost}, agent ${fixed.agentCpu.cores} cores`);
    const flat = await logBurst(ctx, ctx.smoke ? 10_000 : 100_000);
    ctx.log(`logs as fast as they can: ${flat.linesPerS} lines/s captured, lost ${flat.lost}, agent ${flat.agentCpu.cores} cores`);
    const best = ev.best;
    const cut = ev.steps.find((x) => x.lost || x.gaps);
    const figures: Figure[] = [
      best
        ? figure(
            'events.rate',
            `events/s one Subscribe subscriber receives without loss (${ev.tasks.toLocaleString('en')} sim tasks cycling, paced)`,
            best.receivedPerS,
            'events/s',
            {
              note: `highest paced step passed: ~${best.targetPerS.toLocaleString('en')}/s${cut ? `; at ~${cut.targetPerS.toLocaleString('en')}/s (${cut.producedPerS.toLocaleString('en')} produced/s) it was cut off after ${cut.received.toLocaleString('en')} of ${cut.produced.toLocaleString('en')} events` : '; no step lost events'}`,
            },
          )
        : failedFigure(
            'events.rate',
            'events/s one Subscribe subscriber receives without loss',
            'events/s',
            `lost events at the lowest step: ${JSON.stringify(ev.steps[0])}`,
          ),
      figure('events.lag.p99', `delivery lag (event time to receipt) at that rate, p99`, best?.lag.p99 ?? NaN, 'ms', {
        note: best ? `p50 ${best.lag.p50} ms` : undefined,
      }),
      figure('events.flat', 'flat out, with resume after a cut-off: events/s received (every seq exactly once)', ev.flat.receivedPerS, 'events/s', {
        note: `${ev.flat.received.toLocaleString('en')}/${ev.flat.produced.toLocaleString('en')} events, ${ev.flat.producedPerS.toLocaleString('en')}/s produced, ${ev.flat.cutoffs} cut-offs resumed, ${ev.flat.gaps} gaps, ${ev.flat.duplicates} duplicates`,
      }),
      figure('logs.fixed', `log lines/s captured from ${fixed.tasks} tasks at ${fixed.rate.toLocaleString('en')} lines/s each`, fixed.linesPerS, 'lines/s', {
        note: `lost ${fixed.lost}`,
      }),
      figure('logs.fixed.cpu', 'agent cpu while capturing them', fixed.agentCpu.cores, 'cores'),
      figure(
        'logs.max',
        `log lines/s captured from ${flat.tasks} tasks printing ${flat.total.toLocaleString('en')} lines each as fast as they can`,
        flat.linesPerS,
        'lines/s',
        { note: `lost ${flat.lost}` },
      ),
      figure('logs.max.cpu', 'agent cpu while capturing them', flat.agentCpu.cores, 'cores'),
    ];
    const notes: string[] = [];
    if (!ev.ok)
      notes.push(
        `event stream not correct: flat out ${ev.flat.received}/${ev.flat.produced} received, ${ev.flat.gaps} gaps, ${ev.flat.duplicates} duplicates${ev.flat.error ? `, stream error: ${ev.flat.error}` : ''}; final state ${ev.finalState}${ev.leftovers.length ? `; ${ev.leftovers.join('; ')}` : ''}`,
      );
    for (const l of [fixed, flat]) {
      if (!l.ok)
        notes.push(
          `log capture (${l === fixed ? 'fixed rate' : 'as fast as they can'}): ${l.captured}/${l.produced} lines captured, final state ${l.finalState}${l.leftovers.length ? `; ${l.leftovers.join('; ')}` : ''}`,
        );
    }
    notes.push(
      ...ev.steps.map(
        (x) =>
          `events, paced ~${x.targetPerS}/s: produced ${x.producedPerS}/s, received ${x.received}/${x.produced}${x.error ? ` (cut off: ${x.error})` : ''}; lag p50 ${x.lag.p50} / p99 ${x.lag.p99} ms; subscriber process ${x.subscriberCores} cores`,
      ),
      `events flat out: ${ev.flat.transitions} transitions of ${ev.tasks} sim tasks in ${ev.flat.seconds} s, ${ev.flat.producedPerS} events/s produced; the subscriber caught up after ${ev.flat.caughtUpSeconds} s; controller ${ev.flat.controllerCores} cores, subscriber process ${ev.flat.subscriberCores} cores`,
      `logs: task stdout/stderr go straight to the log file (the agent opens it and hands the descriptor to the task), so capture costs the agent nothing per line; the tasks themselves used ${fixed.tasksCpuCores} cores (fixed rate) and ${flat.tasksCpuCores} cores (as fast as they can: ${flat.mbPerS} MB/s in ${flat.seconds} s)`,
    );
    return { ok: ev.ok && fixed.ok && flat.ok, figures, details: { events: ev, logsFixedRate: fixed, logsMaxRate: flat }, notes };
  },
};
