// The training side panel (renderer/src/features/training/): what the trainee reads of the
// session the gateway runs (its state built as the gateway builds it), and the walkthroughs'
// Markdown rendered as elements, never as HTML. (The session stream itself, with a real gateway:
// test/integration/training/session-stream.test.ts and test/e2e/training-panel.spec.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { applyEnd, applyNotice, applyQuestion, newSessionState } from '../../core/gateway/training/session-state.js';
import type { Walkthrough } from '../../core/training/types.js';
import { Markdown } from '../../renderer/src/features/training/Markdown.js';
import { TrainingPanel } from '../../renderer/src/features/training/TrainingPanel.js';
import { dismissSession, sessionChanged, useTrainingSession } from '../../renderer/src/features/training/sessionStore.js';
import { StoreProvider } from '../../renderer/src/store/context.js';
import { createConsoleStore } from '../../renderer/src/store/store.js';

const walkthrough: Walkthrough = {
  id: 'x',
  file: '/x.yaml',
  title: 'Note a crash',
  audience: 'shifter',
  summary: 's',
  stack: { workflow: 'training-demo' },
  steps: [
    { title: 'Start the run', instructions: 'Press **START_ACTIVITY**.', done: { env: { state: 'RUNNING' } }, trainee: [] },
    {
      title: 'Name it',
      instructions: 'Type the name of the task that was restarted.',
      done: { answer: { question: 'Which task was restarted?', expect: 'gamma' } },
      trainee: [],
    },
  ],
  debrief: 'It goes in the **e-log**.',
};

function panel() {
  // info.training is false here: the panel does not fetch, it shows the session it is given
  return render(
    <StoreProvider store={createConsoleStore('light')}>
      <TrainingPanel />
    </StoreProvider>,
  );
}

afterEach(() => act(() => dismissSession()));

describe('Markdown', () => {
  it('renders bold, code and lists as elements, and markup as text', () => {
    const { container } = render(<Markdown text={'Press **STOP** then `baton env show`.\n\n- one\n- <b>two</b>\n\n<script>alert(1)</script>'} />);
    expect(container.querySelector('strong')?.textContent).toBe('STOP');
    expect(container.querySelector('code')?.textContent).toBe('baton env show');
    expect(container.querySelectorAll('li')).toHaveLength(2);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toContain('<script>alert(1)</script>');
  });
});

describe('TrainingPanel', () => {
  it('shows nothing without a session', () => {
    panel();
    expect(screen.queryByRole('complementary')).toBeNull();
  });

  it('leads the current step: what it waits for, hints, faults, the question', () => {
    const s = newSessionState(walkthrough, 'ana', 'id', 1);
    applyNotice(s, { kind: 'step', index: 0 }, 2);
    applyNotice(s, { kind: 'step-done', index: 0, durationMs: 5 }, 3);
    applyNotice(s, { kind: 'step', index: 1 }, 4);
    applyNotice(s, { kind: 'fault', index: 1, text: 'kill -9 task gamma' }, 5);
    applyNotice(s, { kind: 'hint', index: 1, text: 'Look at the restart count.' }, 6);
    applyQuestion(s, 'Which task was restarted?', true, 7);
    act(() => sessionChanged(structuredClone(s)));
    panel();
    const aside = screen.getByRole('complementary', { name: 'Training: Note a crash' });
    expect(within(aside).getByRole('heading', { name: 'Step 2 of 2: Name it' })).toBeTruthy();
    expect(within(aside).getByRole('status').textContent).toMatch(/^Waiting for: /);
    expect(within(aside).getByRole('list', { name: 'Hints' }).textContent).toContain('Look at the restart count.');
    expect(within(aside).getByRole('log', { name: 'What happened' }).textContent).toContain('a fault was injected: kill -9 task gamma');
    expect(within(aside).getByLabelText('Which task was restarted?')).toBeTruthy();
    expect(within(aside).getByRole('alert').textContent).toContain('Not quite');
    expect(within(aside).getByRole('button', { name: 'Stop the walkthrough' })).toBeTruthy();
    // collapsible: the body hides, the header stays
    const toggle = within(aside).getByRole('button', { name: /Hide/ });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(within(aside).queryByRole('log')).toBeNull();
  });

  it('ends with the report (time per step, wrong actions, hints) and the debrief', () => {
    const s = newSessionState(walkthrough, 'ana', 'id', 1);
    applyNotice(s, { kind: 'step', index: 0 }, 2);
    applyEnd(
      s,
      {
        walkthrough: 'x',
        title: 'Note a crash',
        trainee: 'ana',
        scripted: false,
        envId: 'e1',
        startedMs: 1,
        durationMs: 65_000,
        outcome: 'completed',
        steps: [
          {
            title: 'Start the run',
            durationMs: 20_000,
            hints: ['h'],
            faults: [],
            wrongActions: [{ atMs: 3, what: 'pressed RESET (this step expects START_ACTIVITY)' }],
            completed: true,
          },
          { title: 'Name it', durationMs: 45_000, hints: [], faults: ['kill -9 task gamma'], wrongActions: [], completed: true },
        ],
      },
      walkthrough.debrief,
      'r1',
      9,
    );
    act(() => sessionChanged(structuredClone(s)));
    panel();
    const report = screen.getByRole('region', { name: 'Report: Note a crash, ana' });
    expect(report.textContent).toContain('1 hint used');
    expect(report.textContent).toContain('1 wrong action');
    expect(within(report).getByRole('list', { name: 'Wrong actions' }).textContent).toContain('step 1: pressed RESET');
    const rows = within(report).getAllByRole('row');
    expect(rows[2]!.textContent).toContain('kill -9 task gamma');
    expect(screen.getByRole('region', { name: 'Debrief' }).querySelector('strong')?.textContent).toBe('e-log');
    expect(screen.queryByRole('button', { name: 'Stop the walkthrough' })).toBeNull();
  });

  it('keeps the newer copy when a reply and the stream cross: an older version of the same session is not taken', () => {
    const s = newSessionState(walkthrough, 'ana', 'id-versions', 1);
    applyNotice(s, { kind: 'step', index: 0 }, 2);
    const older = structuredClone({ ...s, version: 3 });
    applyNotice(s, { kind: 'step-done', index: 0, durationMs: 5 }, 3);
    applyNotice(s, { kind: 'step', index: 1 }, 4);
    const newer = structuredClone({ ...s, version: 5 });
    let seen: ReturnType<typeof useTrainingSession> | null = null;
    function Probe() {
      seen = useTrainingSession();
      return null;
    }
    render(<Probe />);
    act(() => sessionChanged(newer));
    act(() => sessionChanged(older));
    expect(seen!.session?.version).toBe(5);
    expect(seen!.session?.current).toBe(1);
    // another session (a new start) is taken whatever its version
    act(() => sessionChanged({ ...older, id: 'id-next', version: 0 }));
    expect(seen!.session?.id).toBe('id-next');
  });
});
