// The API client re-throws gateway errors as real BatonErrors (decided on by code, with their
// fields); the log buffer and the events filter.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, onUnauthenticated } from '../../renderer/src/api/client.js';
import { setToken } from '../../renderer/src/api/auth.js';
import { BatonError } from '../../core/model/errors.js';
import { clockOf, markerLabel, withoutSeen } from '../../renderer/src/features/logs/logPages.js';
import { filterEvents, kindGroup } from '../../renderer/src/features/events/eventFilter.js';
import { errorDetail, event } from './fixtures.js';

afterEach(() => vi.unstubAllGlobals());

function stubFetch(status: number, body: unknown) {
  const f = vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
  vi.stubGlobal('fetch', f);
  return f;
}

describe('api client', () => {
  it('posts the request as JSON with the console token, and returns the typed reply', async () => {
    setToken('tok-1');
    const f = stubFetch(200, { controllerId: 'c1', lastEventSeq: 5 });
    const info = await call('GetInfo', {});
    expect(info.controllerId).toBe('c1');
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/GetInfo');
    expect((init.headers as Record<string, string>)['x-baton-console-token']).toBe('tok-1');
  });

  it('re-throws a failure as a BatonError with its code and fields', async () => {
    stubFetch(409, { error: errorDetail({ code: 'TRANSITION_NOT_ALLOWED', message: 'EXIT not allowed from RUNNING' }) });
    const e = await call('GetEnvironment', { id: 'e1' }).catch((x) => x);
    expect(e).toBeInstanceOf(BatonError);
    expect(e.code).toBe('TRANSITION_NOT_ALLOWED');
    expect(e.detail.exitCode).toBeUndefined();
  });

  it('tells the app when the token is refused', async () => {
    stubFetch(401, { error: errorDetail({ code: 'UNAUTHENTICATED', message: 'missing or wrong console token' }) });
    const seen: string[] = [];
    const off = onUnauthenticated((e) => seen.push(e.code));
    await expect(call('ListNodes', {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    off();
    expect(seen).toEqual(['UNAUTHENTICATED']);
  });

  it('names an unreachable gateway as UNAVAILABLE', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(call('ListRuns', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('log pages', () => {
  const entry = (position: number, marker = '', timeMs = 1) => ({ text: `l${position}`, position, timeMs, marker, taskId: '', taskName: '' });
  it('keeps only the entries a page adds (pages overlap at their edges)', () => {
    expect(withoutSeen([entry(0), entry(10)], [entry(10), entry(20), entry(20, 'crash')]).map((e) => `${e.position}${e.marker}`)).toEqual(['20', '20crash']);
  });
  it("shows the agent's capture time, and names markers for people", () => {
    expect(clockOf(new Date(2026, 0, 2, 3, 4, 5, 6).getTime())).toBe('03:04:05.006');
    expect(clockOf(0)).toBe('--:--:--.---');
    expect(markerLabel('crash')).toBe('Crashed');
    expect(markerLabel('adopt')).toBe('Agent restarted');
  });
});

describe('events filter', () => {
  const evs = [
    event({ kind: 'env.state', state: 'RUNNING', envId: 'e1' }),
    event({ kind: 'task.exit', state: 'ERROR', envId: 'e1', error: errorDetail({ code: 'TASK_FAILED', message: 'exited', taskName: 'readout-0' }) }),
    event({ kind: 'run.start', envId: 'e2', runNumber: 4 }),
    event({ kind: 'node.down', node: 'agent-2', envId: '' }),
  ];
  it('filters by kind groups, with error meaning anything that failed', () => {
    expect(filterEvents(evs, { groups: ['run'], envId: '', text: '' }).map((e) => e.kind)).toEqual(['run.start']);
    expect(filterEvents(evs, { groups: ['error'], envId: '', text: '' }).map((e) => e.kind)).toEqual(['task.exit', 'node.down']);
    const whileInError = event({ kind: 'env.transition', state: 'ERROR', transition: 'RECOVER', data: { phase: 'progress' } });
    const failedEnd = event({ kind: 'env.transition', state: 'ERROR', transition: 'CONFIGURE', data: { phase: 'end', ok: 'false' } });
    expect(filterEvents([whileInError, failedEnd], { groups: ['error'], envId: '', text: '' })).toEqual([failedEnd]);
    expect(kindGroup('hook.end')).toBe('hook');
    // an audit record is its own group, not an error (a refused request is not a failure of the farm)
    expect(kindGroup('audit')).toBe('audit');
    const refused = event({ kind: 'audit', data: { user: 'bob', outcome: 'HELD' } });
    expect(filterEvents([refused], { groups: ['error'], envId: '', text: '' })).toEqual([]);
  });
  it("filters by environment and by text, including the error's task", () => {
    expect(filterEvents(evs, { groups: [], envId: 'e2', text: '' })).toHaveLength(1);
    expect(filterEvents(evs, { groups: [], envId: '', text: 'readout-0' }).map((e) => e.kind)).toEqual(['task.exit']);
    expect(filterEvents(evs, { groups: [], envId: '', text: 'agent-2' }).map((e) => e.kind)).toEqual(['node.down']);
  });
});
