// The Audit view's filters (URL <-> ListAudit request) and how a record's arguments read.
import { describe, expect, it } from 'vitest';
import { argsText, auditRequest, filterFromQuery, localTimeMs } from '../../renderer/src/features/audit/auditQuery.js';

describe('audit filters', () => {
  it('reads the URL and makes the ListAudit request, an until covering its whole minute', () => {
    const f = filterFromQuery(new URLSearchParams('user=alice&env=env-1&since=2026-12-02T10:00&until=2026-12-02T11:30'));
    const req = auditRequest(f);
    expect(req.user).toBe('alice');
    expect(req.envId).toBe('env-1');
    expect(req.sinceMs).toBe(new Date('2026-12-02T10:00').getTime());
    expect(req.untilMs).toBe(new Date('2026-12-02T11:30').getTime() + 59_999);
  });

  it('leaves unset filters open and ignores a time it cannot read', () => {
    const req = auditRequest(filterFromQuery(new URLSearchParams('since=yesterday')));
    expect([req.user, req.envId, req.sinceMs, req.untilMs]).toEqual(['', '', 0, 0]);
    expect(localTimeMs('')).toBe(0);
  });

  it("shows a record's arguments without repeating its environment, the reason readable", () => {
    expect(argsText('{"id":"env-1","reason":"beam tuning"}', 'env-1')).toBe('reason: beam tuning');
    expect(argsText('{"id":"env-1","transition":"DEPLOY","args":{"a":"1"}}', 'env-1')).toBe('transition: DEPLOY · args: {"a":"1"}');
    expect(argsText('not json', '')).toBe('not json');
  });
});
