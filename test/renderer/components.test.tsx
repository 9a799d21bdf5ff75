// Components an operator relies on: transition buttons (allowed only, confirmations, RECOVER from
// ERROR), the generated create form (validated before create), structured errors, notifications,
// the connection state, shortcuts and routes.
import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { TransitionBar } from '../../renderer/src/features/env-detail/TransitionBar.js';
import { transitionButtons } from '../../renderer/src/features/env-detail/transitions.js';
import { VarForm } from '../../renderer/src/features/environments/VarForm.js';
import { ErrorDetailView } from '../../renderer/src/ui/ErrorDetailView.js';
import { Notifications } from '../../renderer/src/features/shell/Notifications.js';
import { ConnectionBadge } from '../../renderer/src/features/shell/ConnectionBadge.js';
import { CheatSheet } from '../../renderer/src/features/shortcuts/CheatSheet.js';
import { matchKey, isTyping } from '../../renderer/src/features/shortcuts/shortcuts.js';
import { parseRoute, envPath } from '../../renderer/src/app/router.js';
import { StoreProvider } from '../../renderer/src/store/context.js';
import { createConsoleStore } from '../../renderer/src/store/store.js';
import { detailFromWire } from '../../renderer/src/api/errors.js';
import { errorDetail, varSpec } from './fixtures.js';

function enabled() {
  return screen
    .getAllByRole('button')
    .filter((b) => !(b as HTMLButtonElement).disabled)
    .map((b) => b.textContent);
}

describe('TransitionBar', () => {
  it('enables only the transitions allowed from the state', () => {
    render(<TransitionBar state="CONFIGURED" busy={false} envLabel="e1" onRun={() => {}} />);
    expect(enabled()).toEqual(['START_ACTIVITY', 'RESET', 'EXIT']);
    expect(screen.queryByRole('button', { name: 'RECOVER' })).toBeNull();
  });

  it('disables every button while a transition runs', () => {
    render(<TransitionBar state="CONFIGURED" busy envLabel="e1" onRun={() => {}} />);
    expect(enabled()).toEqual([]);
  });

  it('offers RECOVER (the primary action) and EXIT from ERROR', () => {
    render(<TransitionBar state="ERROR" busy={false} envLabel="e1" onRun={() => {}} />);
    expect(enabled()).toEqual(['EXIT', 'RECOVER']);
    expect(transitionButtons('ERROR', false).find((b) => b.transition === 'RECOVER')!.primary).toBe(true);
  });

  it('runs CONFIGURE at once, but asks before STOP_ACTIVITY', () => {
    const onRun = vi.fn();
    const { rerender } = render(<TransitionBar state="DEPLOYED" busy={false} envLabel="e1" onRun={onRun} />);
    fireEvent.click(screen.getByRole('button', { name: 'CONFIGURE' }));
    expect(onRun).toHaveBeenCalledWith('CONFIGURE');
    rerender(<TransitionBar state="RUNNING" busy={false} envLabel="e1" runNumber={12} onRun={onRun} />);
    fireEvent.click(screen.getByRole('button', { name: 'STOP_ACTIVITY' }));
    const dialog = screen.getByRole('dialog', { name: 'STOP_ACTIVITY e1?' });
    expect(dialog.textContent).toContain('run 12');
    expect(onRun).toHaveBeenCalledTimes(1);
    fireEvent.click(within(dialog).getByRole('button', { name: 'STOP_ACTIVITY' }));
    expect(onRun).toHaveBeenLastCalledWith('STOP_ACTIVITY');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('does nothing when EXIT is cancelled', () => {
    const onRun = vi.fn();
    render(<TransitionBar state="DEPLOYED" busy={false} envLabel="e1" onRun={onRun} />);
    fireEvent.click(screen.getByRole('button', { name: 'EXIT' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(onRun).not.toHaveBeenCalled();
  });
});

describe('VarForm', () => {
  const template = {
    name: 'daq-chain',
    repo: 'assets',
    file: 'workflows/daq-chain.yaml',
    description: '',
    revision: '',
    vars: [
      varSpec({ name: 'readouts', type: 'int', defaultJson: '2', label: 'Readout tasks', min: 1, max: 16, description: 'how many readouts' }),
      varSpec({ name: 'qc_enabled', type: 'bool', defaultJson: 'true', label: 'QC' }),
      varSpec({ name: 'hooks_url', type: 'string', defaultJson: '""', public: false }),
    ],
  };

  it('renders a labelled field per var, non-public ones under Advanced', () => {
    render(<VarForm template={template} onSubmit={() => {}} />);
    expect((screen.getByLabelText(/Readout tasks/) as HTMLInputElement).value).toBe('2');
    expect((screen.getByRole('checkbox', { name: 'QC' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText(/Advanced variables/)).toBeTruthy();
    expect(screen.getByLabelText(/Readout tasks/).getAttribute('aria-describedby')).toBe('var-readouts-desc');
  });

  it('refuses a bad value before create, naming the var at the field', () => {
    const onSubmit = vi.fn();
    render(<VarForm template={template} onSubmit={onSubmit} />);
    fireEvent.change(screen.getByLabelText(/Readout tasks/), { target: { value: '40' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toContain('Readout tasks: must be at most 16');
    const input = screen.getByLabelText(/Readout tasks/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(input);
  });

  it('submits the changed vars', () => {
    const onSubmit = vi.fn();
    render(<VarForm template={template} onSubmit={onSubmit} />);
    fireEvent.change(screen.getByLabelText(/Readout tasks/), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'QC' }));
    fireEvent.change(screen.getByLabelText('Owner'), { target: { value: 'shifter' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(onSubmit).toHaveBeenCalledWith({ vars: { readouts: '3', qc_enabled: 'false' }, owner: 'shifter', autoDeploy: false, name: '', runType: '' });
  });
});

describe('ErrorDetailView', () => {
  it('shows the structured failure: code, task, node, exit code, last lines, causes', () => {
    const wire = {
      ...errorDetail({ code: 'TIMEOUT', message: 'CONFIGURE did not finish in 5s' }),
      causes: [{ ...errorDetail({ code: 'TASK_FAILED', message: 'exited', taskName: 'readout-1', node: 'agent-2', exitCode: 3 }), lastLines: ['boom'] }],
    };
    render(<ErrorDetailView detail={detailFromWire(wire)} title="CONFIGURE failed" />);
    const alert = screen.getByRole('alert', { name: 'CONFIGURE failed' });
    expect(alert.textContent).toContain('TIMEOUT');
    expect(alert.textContent).toContain('readout-1');
    expect(alert.textContent).toContain('agent-2');
    expect(alert.textContent).toContain('3');
  });

  it('drops the wire defaults (exit code -1, empty fields)', () => {
    expect(detailFromWire(errorDetail({ code: 'NOT_FOUND', message: 'no env' }))).toEqual({ code: 'NOT_FOUND', message: 'no env' });
  });
});

describe('shell', () => {
  it('shows notifications as alerts with a way to dismiss them', () => {
    const store = createConsoleStore();
    store.getState().notify({ level: 'error', title: 'Environment e1 is in ERROR', body: 'task readout-0 exited', envId: 'e1', timeMs: 0 });
    render(
      <StoreProvider store={store}>
        <Notifications />
      </StoreProvider>,
    );
    expect(screen.getByRole('alert').textContent).toContain('task readout-0 exited');
    fireEvent.click(screen.getByRole('button', { name: /Dismiss/ }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the connection state as it changes', () => {
    const store = createConsoleStore();
    render(
      <StoreProvider store={store}>
        <ConnectionBadge />
      </StoreProvider>,
    );
    expect(screen.getByRole('status').textContent).toContain('Connecting');
    act(() => store.getState().setConnection({ status: 'live' }));
    expect(screen.getByRole('status').textContent).toContain('Live');
    act(() => store.getState().setConnection({ status: 'reconnecting', attempt: 3, reason: 'lost' }));
    expect(screen.getByRole('status').textContent).toContain('Reconnecting… (attempt 3)');
  });

  it('lists the shortcuts in a dialog', () => {
    const store = createConsoleStore();
    store.getState().setCheatSheet(true);
    render(
      <StoreProvider store={store}>
        <CheatSheet />
      </StoreProvider>,
    );
    const d = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(d).getByText('Go to nodes')).toBeTruthy();
    fireEvent.keyDown(d, { key: 'Escape' });
    expect(store.getState().cheatSheetOpen).toBe(false);
  });
});

describe('shortcuts', () => {
  it('matches single keys and g-sequences', () => {
    expect(matchKey('', '?').action).toEqual({ kind: 'cheatSheet' });
    const g = matchKey('', 'g');
    expect(g).toEqual({ action: null, pending: 'g' });
    expect(matchKey(g.pending, 'n').action).toEqual({ kind: 'navigate', to: '/nodes' });
    expect(matchKey('g', 'x')).toEqual({ action: null, pending: '' });
  });

  it('never fires while typing in a field', () => {
    expect(isTyping(document.createElement('input'))).toBe(true);
    expect(isTyping(document.createElement('button'))).toBe(false);
  });
});

describe('routes', () => {
  it('keep the page, tab and task in the URL', () => {
    expect(parseRoute('/envs/e1/tasks', '?task=t9')).toMatchObject({ name: 'env', envId: 'e1', tab: 'tasks' });
    expect(parseRoute('/envs/e1/tasks', '?task=t9').query.get('task')).toBe('t9');
    expect(parseRoute('/', '')).toMatchObject({ name: 'envs' });
    expect(parseRoute('/envs/new', '?workflow=quick')).toMatchObject({ name: 'newEnv' });
    expect(parseRoute('/events', '')).toMatchObject({ name: 'events' });
    expect(parseRoute('/envs/e1/bogus', '')).toMatchObject({ name: 'notFound' });
    expect(envPath('e 1', 'graph', 't/1')).toBe('/envs/e%201/graph?task=t%2F1');
  });
});
