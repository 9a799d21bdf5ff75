// `baton controller --store etcd://...`: one controller of a fail-over cluster (controller/cluster/).
// It follows until elected, then leads; a leader whose lease may have lapsed exits at once with
// code 3 (its supervisor starts it again, as a follower): exiting is the one way to be sure it
// acts no more, as Kubernetes' controller-manager does when it loses its lease.
import type { ControllerOptions } from '../../controller/options.js';
import { BatonError } from '../../model/errors.js';
import type { TlsFiles } from '../../rpc/tls.js';
import { out, info } from '../output.js';
import { stopWithin, untilSignal } from '../signals.js';

/** the exit code of a controller that stepped down (its lease lapsed) */
export const LOST_LEASE_EXIT = 3;

export function parseLeaseTtl(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text.replace(/s$/, ''));
  if (!Number.isInteger(seconds) || seconds < 2 || seconds > 60) {
    throw new BatonError('BAD_INPUT', `--lease-ttl ${text}: whole seconds from 2 (etcd's least TTL) to 60`, { where: '--lease-ttl' });
  }
  return seconds;
}

export async function runClusterController(
  options: ControllerOptions,
  store: string,
  leaseTtlSeconds: number | undefined,
  token: string,
  generated: boolean,
  storeTls?: TlsFiles,
): Promise<void> {
  const { startClusterController } = await import('../../controller/cluster/run.js');
  const { store: _ignored, ...rest } = options;
  const handle = await startClusterController({
    ...rest,
    store,
    storeTls,
    leaseTtlSeconds,
    onLost: (reason) => {
      info(`controller: lost the leadership (${reason}); exiting`);
      process.exit(LOST_LEASE_EXIT);
    },
  });
  out(`controller following on ${handle.address} (pid ${process.pid}, store ${store})`);
  if (generated) out(`clients: export BATON_CONTROLLER=${handle.address} BATON_TOKEN=${token}`);
  handle.elected.then(
    (controller) => out(`controller ${controller.id} leading on ${handle.address} (pid ${process.pid})`),
    () => {},
  );
  const sig = await untilSignal();
  info(`controller: ${sig}, stopping`);
  const ok = await stopWithin(() => handle.stop(), 15_000);
  if (!ok) info('controller: stop did not finish in 15 s; exiting anyway');
}
