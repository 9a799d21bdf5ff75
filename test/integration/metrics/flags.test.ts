// The metrics flags of `baton controller` and `baton agent`: --metrics-port is loopback, both
// flags at once or a bad address is a BAD_INPUT naming the flag, neither means metrics off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatonError } from '../../../core/model/errors.js';
import { metricsListenOf } from '../../../core/cli/metrics-flags.js';

test('metrics flags: port on loopback, address as given, neither is off, bad input named', () => {
  assert.equal(metricsListenOf({}), undefined);
  assert.equal(metricsListenOf({ metricsPort: '9464' }), '127.0.0.1:9464');
  assert.equal(metricsListenOf({ metricsListen: '0.0.0.0:9464' }), '0.0.0.0:9464');
  const refused = (o: Parameters<typeof metricsListenOf>[0], where: string) =>
    assert.throws(
      () => metricsListenOf(o),
      (e: BatonError) => e.code === 'BAD_INPUT' && e.detail.where === where,
    );
  refused({ metricsPort: '9464', metricsListen: '127.0.0.1:1' }, '--metrics-port');
  refused({ metricsPort: '70000' }, '--metrics-port');
  refused({ metricsPort: 'x' }, '--metrics-port');
  refused({ metricsListen: 'unix:///tmp/m.sock' }, '--metrics-listen');
  refused({ metricsListen: 'nowhere' }, '--metrics-listen');
});
