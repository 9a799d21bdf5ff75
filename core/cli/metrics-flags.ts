// --metrics-listen / --metrics-port of `baton controller` and `baton agent` (docs/observability.md).
import { BatonError } from '../model/errors.js';
import { parseMetricsListen } from '../rpc/metrics-endpoint.js';
import { parseCount } from './args.js';

/** The metrics listen address the flags ask for; undefined when neither is given (metrics off). */
export function metricsListenOf(o: { metricsListen?: string; metricsPort?: string }): string | undefined {
  if (o.metricsListen !== undefined && o.metricsPort !== undefined) {
    throw new BatonError('BAD_INPUT', '--metrics-listen and --metrics-port name the same endpoint: give one', { where: '--metrics-port' });
  }
  if (o.metricsPort !== undefined) {
    const port = parseCount(o.metricsPort, '--metrics-port');
    if (port > 65535) throw new BatonError('BAD_INPUT', `--metrics-port ${port}: at most 65535`, { where: '--metrics-port' });
    return `127.0.0.1:${port}`;
  }
  if (o.metricsListen !== undefined) parseMetricsListen(o.metricsListen, '--metrics-listen');
  return o.metricsListen;
}
