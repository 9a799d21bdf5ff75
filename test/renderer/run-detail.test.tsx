// The run record in the console: every field of the record, the configuration snapshot, the
// comments and the form that adds one, and the link to the run's events (its environment and
// time span), which the events filter then applies.
import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import type { Run } from '../../core/rpc/gen/control.js';
import { RunDetail } from '../../renderer/src/features/runs/RunDetail.js';
import { runEventsPath } from '../../renderer/src/features/runs/runLinks.js';
import { filterEvents } from '../../renderer/src/features/events/eventFilter.js';
import { event } from './fixtures.js';

function run(p: Partial<Run> = {}): Run {
  return {
    runNumber: 4711,
    envId: 'env-abc',
    workflow: 'daq-chain',
    startedMs: Date.UTC(2026, 11, 2, 10, 0, 0),
    stoppedMs: Date.UTC(2026, 11, 2, 11, 30, 0),
    owner: 'alice',
    state: 'closed',
    tasks: 5,
    runType: 'PHYSICS',
    envName: 'Beam week 49',
    detectors: ['ITS', 'TPC'],
    startedBy: 'alice',
    stoppedBy: 'bob',
    endReason: 'stopped by bob',
    comments: [{ user: 'carol', timeMs: Date.UTC(2026, 11, 2, 10, 5, 0), text: 'sector 3 noisy' }],
    config: {
      workflow: 'daq-chain',
      file: 'workflows/daq-chain.yaml',
      repo: '/srv/templates',
      revision: '3f2a9c1',
      vars: { readouts: '4' },
      varsInForceJson: JSON.stringify({ readouts: 4, rate: 1000 }),
      excludedRoles: ['qc'],
      renderedJson: JSON.stringify({ name: 'daq-chain', tasks: [{ name: 'readout-0' }] }),
      tasks: 1,
      hooks: 0,
      channels: 0,
    },
    summary: {
      durationMs: 5_400_000,
      channels: [{ from: 'readout-0:out', to: 'builder:in', type: 'push', messages: 5_400_000, bytes: 5_529_600_000, msgRate: 1000, byteRate: 1_024_000 }],
      restarts: [{ task: 'qc', restarts: 2 }],
      restartsTotal: 2,
      aggregated: false,
      countedFrom: 'run start',
    },
    ...p,
  };
}

describe('RunDetail', () => {
  it("shows an ended run's summary: channel totals and average rates, and the restarts", () => {
    render(<RunDetail run={run()} now={Date.now()} onComment={async () => {}} />);
    const table = screen.getByRole('table', { name: 'Channels' });
    const cells = [...table.querySelectorAll('tbody td')].map((td) => td.textContent);
    expect(cells).toEqual(['readout-0:out', 'builder:in', 'push', '5,400,000', '5.1 GiB', '1.0k msg/s', '1000 KiB/s']);
    expect(screen.getByText('Restarts', { selector: 'dt' }).nextElementSibling!.textContent).toBe('2 (qc 2)');
  });

  it('says when a run has no summary (open, or older than summaries)', () => {
    render(<RunDetail run={run({ state: 'open', stoppedMs: 0, summary: undefined })} now={Date.now()} onComment={async () => {}} />);
    expect(screen.getByText(/No summary: the run is open/)).toBeTruthy();
  });

  it('shows who started and stopped the run, its type, detectors, end reason and configuration', () => {
    render(<RunDetail run={run()} now={Date.now()} onComment={async () => {}} envKnown />);
    const field = (k: string) => screen.getByText(k, { selector: 'dt' }).nextElementSibling!.textContent;
    expect(field('Run type')).toBe('PHYSICS');
    expect(field('Environment')).toContain('Beam week 49');
    expect(field('Detectors')).toBe('ITS, TPC');
    expect(field('Started')).toContain('by alice');
    expect(field('Stopped')).toContain('by bob');
    expect(field('End reason')).toBe('stopped by bob');
    expect(field('Duration')).toBe('1h 30m');
    expect(field('Repo')).toBe('/srv/templates @ 3f2a9c1');
    expect(field('Vars')).toBe('readouts=4');
    expect(field('Excluded roles')).toBe('qc');
    expect(screen.getByText(/^Rendered workflow/).closest('details')!.textContent).toContain('"readout-0"');
    const comments = screen.getByRole('list').querySelectorAll('li');
    expect(comments.length).toBe(1);
    expect(comments[0]!.textContent).toMatch(/carol: sector 3 noisy$/);
    expect(screen.getByRole('link', { name: 'Beam week 49' }).getAttribute('href')).toBe('/envs/env-abc');
  });

  it('an aborted run shows its reason; an open one says so', () => {
    const { unmount } = render(
      <RunDetail
        run={run({ state: 'aborted', stoppedBy: '', endReason: 'aborted before start: hook gate failed' })}
        now={Date.now()}
        onComment={async () => {}}
      />,
    );
    expect(screen.getByText('aborted before start: hook gate failed')).toBeTruthy();
    unmount();
    render(
      <RunDetail run={run({ state: 'open', stoppedMs: 0, stoppedBy: '', endReason: '', config: undefined })} now={Date.now()} onComment={async () => {}} />,
    );
    expect(screen.getByText('End reason').nextElementSibling!.textContent).toBe('open');
    expect(screen.getByText(/No configuration snapshot/)).toBeTruthy();
  });

  it('asks for the rendered workflow only when its section is opened', () => {
    const onLoadRendered = vi.fn();
    const r = run();
    render(
      <RunDetail run={{ ...r, config: { ...r.config!, renderedJson: '' } }} now={Date.now()} onComment={async () => {}} onLoadRendered={onLoadRendered} />,
    );
    const details = screen.getByText('Rendered workflow: 1 task(s), 0 hook(s), 0 channel(s)').closest('details')!;
    expect(onLoadRendered).not.toHaveBeenCalled();
    details.open = true;
    fireEvent(details, new Event('toggle'));
    expect(onLoadRendered).toHaveBeenCalledTimes(1);
  });

  it('adds a comment, refuses an empty one, and shows a refusal from the controller', async () => {
    const onComment = vi.fn(async (text: string) => {
      if (text === 'refused') throw new Error('commentRun needs the shifter role; dave is observer');
    });
    render(<RunDetail run={run()} now={Date.now()} onComment={onComment} />);
    const box = screen.getByLabelText('Add a comment');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Comment' }));
    });
    expect(onComment).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/Write something/);
    fireEvent.change(box, { target: { value: '  beam dump at 11:29  ' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Comment' }));
    });
    expect(onComment).toHaveBeenCalledWith('beam dump at 11:29');
    expect((box as HTMLTextAreaElement).value).toBe('');
    fireEvent.change(box, { target: { value: 'refused' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Comment' }));
    });
    expect(screen.getByRole('alert').textContent).toContain('needs the shifter role');
    expect((box as HTMLTextAreaElement).value).toBe('refused');
  });

  it("links to the run's events: its environment during its time span", () => {
    const r = run();
    render(<RunDetail run={r} now={Date.now()} onComment={async () => {}} />);
    const href = screen.getByRole('link', { name: 'Events of this run' }).getAttribute('href')!;
    expect(href).toBe(runEventsPath(r));
    const q = new URLSearchParams(href.split('?')[1]);
    const inside = event({ kind: 'task.state', envId: 'env-abc', timeMs: r.startedMs + 1000 });
    const before = event({ kind: 'task.state', envId: 'env-abc', timeMs: r.startedMs - 1000 });
    const stop = event({ kind: 'run.stop', envId: 'env-abc', timeMs: r.stoppedMs + 2 });
    const after = event({ kind: 'task.state', envId: 'env-abc', timeMs: r.stoppedMs + 60_000 });
    const other = event({ kind: 'task.state', envId: 'env-other', timeMs: r.startedMs + 1000 });
    const kept = filterEvents([before, inside, stop, after, other], {
      groups: [],
      envId: q.get('env')!,
      text: '',
      fromMs: Number(q.get('from')),
      toMs: Number(q.get('to')),
    });
    expect(kept).toEqual([inside, stop]);
  });
});
