// A controller of a fail-over cluster (`baton controller --store etcd://...`): it campaigns for
// the leader key (election.ts) and, until elected, serves only NOT_LEADER refusals on its address
// (follower.ts). Once elected it fences the etcd store on its key and starts the whole controller
// on the same address: restore from etcd, dial the agents (the cluster shares one controller id,
// kept in the store, so the agents accept the successor and their tasks are adopted, not
// restarted). A leader whose lease may have lapsed stops acting: `onLost` (the CLI exits the
// process, as a supervisor restarts it as a follower).
import type * as grpc from '@grpc/grpc-js';
import { BatonError } from '../../model/errors.js';
import { parseAddress } from '../../rpc/address.js';
import { loadTls, serverCredentials, type TlsFiles } from '../../rpc/tls.js';
import { openEtcdStore } from '../../store/etcd.js';
import { parseEtcdUrl } from '../../store/etcd-url.js';
import type { Store } from '../../store/store.js';
import { clearStaleSocket, startController } from '../main.js';
import type { ControllerHandle, ControllerOptions } from '../options.js';
import { LeaderElection } from './election.js';
import { endFollowing, followerServer } from './follower.js';
import { clusterInventory } from './inventory.js';

/** the default lease: a killed leader is replaced within about this long (docs/reliability.md) */
export const DEFAULT_LEASE_TTL_S = 3;

export interface ClusterOptions extends Omit<ControllerOptions, 'store'> {
  /** etcd://host:port[,host:port]/prefix, or etcds://... for etcd over TLS */
  store: string;
  /** etcds://: the CA of etcd's certificate, the client certificate and key (default: `tls`, the
   *  controller's own, when one CA signs everything: `baton certs`) */
  storeTls?: TlsFiles;
  /** the lease TTL in whole seconds (2 at least: etcd's own minimum); default 3 */
  leaseTtlSeconds?: number;
  /** the leader stopped acting because its lease may have lapsed; default: stop the controller */
  onLost?: (reason: string) => void;
}

export interface ClusterHandle {
  /** the Control address this controller serves on (and announces when it leads) */
  address: string;
  role(): 'follower' | 'leader' | 'lost' | 'stopped';
  /** the leader's address as last seen ('' while none) */
  leader(): string;
  /** resolves when this controller leads and serves */
  elected: Promise<ControllerHandle>;
  stop(): Promise<void>;
}

function bindServer(server: grpc.Server, grpcAddress: string, credentials: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(grpcAddress, credentials, (err, port) => (err ? reject(err) : resolve(port))));
}

export async function startClusterController(opts: ClusterOptions): Promise<ClusterHandle> {
  const ttl = opts.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_S;
  if (!Number.isInteger(ttl) || ttl < 2) {
    throw new BatonError('BAD_INPUT', `lease TTL ${ttl}: whole seconds, 2 at least (etcd's least TTL)`, { where: '--lease-ttl' });
  }
  const etcdAddress = parseEtcdUrl(opts.store);
  const listen = parseAddress(opts.listen, 'controller listen');
  const tls = loadTls(opts.tls, 'controller');
  // a socket left by a killed controller is removed (one a live process answers on is refused)
  if (listen.kind === 'unix') await clearStaleSocket(listen.path!);
  // etcds:// with the controller's own certificate unless etcd's are given (etcd:// with any: refused)
  const store = await openEtcdStore(etcdAddress, loadTls(etcdAddress.secure ? (opts.storeTls ?? opts.tls) : opts.storeTls, 'etcd store'));

  // the follower binds first, so that a port 0 becomes the port the leader serves on later
  let follower: grpc.Server | null = null;
  let address = '';
  let boundPort = 0;
  const election = new LeaderElection(store.kv, ttl);
  follower = followerServer(
    () => address,
    () => election.leader,
  );
  try {
    const port = await bindServer(follower, listen.grpc, serverCredentials(listen, tls));
    boundPort = port;
    address = listen.kind === 'unix' ? `unix://${listen.path}` : `${listen.host}:${port}`;
  } catch (e) {
    follower.forceShutdown();
    await store.close();
    throw e;
  }

  let role: ReturnType<ClusterHandle['role']> = 'follower';
  let controller: ControllerHandle | null = null;
  // the controller must not close the etcd client: the election still needs it to resign
  const shared: Store = { ...store, close: async () => {} };

  let settle!: { resolve: (h: ControllerHandle) => void; reject: (e: unknown) => void };
  const elected = new Promise<ControllerHandle>((resolve, reject) => (settle = { resolve, reject }));
  elected.catch(() => {});

  election.on('elected', (fence) => {
    store.kv.fence = fence;
    void (async () => {
      const electedAt = performance.now();
      const since = () => Math.round(performance.now() - electedAt);
      let restoredMs = 0;
      try {
        const inventory = await clusterInventory(shared, opts.home, (line) => console.error(`baton controller: ${line}`));
        controller = await startController({
          ...opts,
          listen: address,
          store: shared,
          inventory,
          // the follower keeps answering NOT_LEADER while the leader restores, and the leader
          // then takes its bound server over: the address never stops answering. (Closing it and
          // binding anew left a window where a client met a closed port and waited out
          // grpc-js's reconnect backoff, 1 s and more: docs/reliability.md.)
          boundServer: {
            server: follower!,
            port: boundPort,
            handOver: () => {
              restoredMs = since();
              endFollowing(follower!);
              follower = null;
            },
          },
        });
        if (role !== 'follower') {
          // the lease went while the controller was starting
          await controller.stop();
          return;
        }
        role = 'leader';
        console.error(
          `baton controller: leader of ${etcdAddress.prefix} at ${address} (restored ${restoredMs} ms, serving ${since()} ms after its election, agents dialled)`,
        );
        settle.resolve(controller);
      } catch (e) {
        console.error(`baton controller: could not start as the leader: ${(e as Error).message}`);
        role = 'lost';
        settle.reject(e);
        opts.onLost?.(`could not start as the leader: ${(e as Error).message}`);
        await election.resign();
      }
    })();
  });
  election.on('lost', (reason) => {
    role = 'lost';
    console.error(`baton controller: stepping down, the leader lease may have lapsed: ${reason}`);
    if (opts.onLost) opts.onLost(reason);
    else void controller?.stop();
  });
  election.start(address);

  return {
    address,
    role: () => role,
    leader: () => election.leader,
    elected,
    async stop() {
      const wasLeader = role === 'leader';
      role = 'stopped';
      if (follower) follower.forceShutdown();
      if (controller) await controller.stop();
      // a clean stop hands over at once (the lease revoked), not after the TTL
      await election.resign();
      if (!wasLeader) settle.reject(new Error('stopped'));
      await store.close();
    },
  };
}
