// One ssh connection to a node (ssh2): key or agent authentication, the host key checked against
// known_hosts (an unknown or changed key is refused), commands run with their output collected,
// files sent over sftp. Every failure to connect is a BatonError that says which one it was
// (data.reason: unreachable, host-key-unknown, host-key-mismatch, auth-refused).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, type ConnectConfig } from 'ssh2';
import { BatonError } from '../../model/errors.js';
import type { InventoryNode } from '../../model/inventory.js';
import { knownHostsName, knownKeys, verdictOf, type HostKeyVerdict } from './known-hosts.js';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SshSession {
  /** runs `command` through the login user's shell; `input` goes to its stdin */
  exec(command: string, input?: string | Buffer): Promise<ExecResult>;
  /** sends a local file to `remotePath` over sftp */
  upload(localPath: string, remotePath: string): Promise<void>;
  close(): void;
}

function expandHome(file: string): string {
  return file.startsWith('~/') ? path.join(os.homedir(), file.slice(2)) : file;
}

function nodeError(
  node: InventoryNode,
  reason: string,
  code: 'UNAVAILABLE' | 'UNAUTHENTICATED',
  message: string,
  extra: Record<string, string> = {},
): BatonError {
  return new BatonError(code, `node ${node.name} (${node.ssh.user}@${node.host}:${node.ssh.port}): ${message}`, {
    node: node.name,
    where: 'ssh',
    data: { reason, host: node.host, ...extra },
  });
}

function hostKeyError(node: InventoryNode, verdict: HostKeyVerdict, knownHosts: string): BatonError {
  const name = knownHostsName(node.host, node.ssh.port);
  if (verdict === 'unknown') {
    return nodeError(
      node,
      'host-key-unknown',
      'UNAUTHENTICATED',
      `host key unknown: ${knownHosts} lists no key for ${name}; check the node's key and add it (ssh-keyscan -p ${node.ssh.port} ${node.host}, compared with the key on the node) before bootstrapping`,
      { knownHosts },
    );
  }
  return nodeError(
    node,
    verdict === 'revoked' ? 'host-key-revoked' : 'host-key-mismatch',
    'UNAUTHENTICATED',
    verdict === 'revoked'
      ? `host key is marked @revoked in ${knownHosts}: refused`
      : `host key does not match the one ${knownHosts} lists for ${name}: refused (the node was reinstalled, or this is not the node; if the change is expected, replace its line in ${knownHosts})`,
    { knownHosts },
  );
}

/** Connects to the node as its inventory entry says. */
export function connectSsh(node: InventoryNode, opts: { timeoutMs?: number } = {}): Promise<SshSession> {
  const knownHosts = expandHome(node.ssh.knownHosts || '~/.ssh/known_hosts');
  const keys = knownKeys(knownHosts, node.host, node.ssh.port);
  let verdict: HostKeyVerdict | null = null;
  const config: ConnectConfig = {
    host: node.host,
    port: node.ssh.port,
    username: node.ssh.user,
    readyTimeout: opts.timeoutMs ?? 15_000,
    hostVerifier: (blob: Buffer) => {
      verdict = verdictOf(keys, blob);
      return verdict === 'ok';
    },
  };
  // ask for the key types known_hosts has for this host, as OpenSSH does, so that a host with
  // several keys is not taken for a changed one because it offered another type first
  const types = [...new Set(keys.filter((k) => !k.revoked).map((k) => k.type))];
  if (types.length) config.algorithms = { serverHostKey: types as NonNullable<NonNullable<ConnectConfig['algorithms']>['serverHostKey']> };
  if (node.ssh.key) {
    const keyFile = expandHome(node.ssh.key);
    try {
      config.privateKey = fs.readFileSync(keyFile);
    } catch (e) {
      return Promise.reject(
        new BatonError('BAD_INPUT', `node ${node.name}: ssh key ${keyFile}: ${(e as Error).message}`, { node: node.name, where: 'ssh.key' }),
      );
    }
  } else if (process.env.SSH_AUTH_SOCK) {
    config.agent = process.env.SSH_AUTH_SOCK;
  } else {
    return Promise.reject(
      new BatonError('BAD_INPUT', `node ${node.name}: no ssh.key in the inventory and no ssh agent (SSH_AUTH_SOCK)`, { node: node.name, where: 'ssh.key' }),
    );
  }

  const client = new Client();
  return new Promise<SshSession>((resolve, reject) => {
    client.once('ready', () => resolve(session(client)));
    client.once('error', (err: Error & { level?: string; code?: string }) => {
      client.end();
      if (verdict && verdict !== 'ok') return reject(hostKeyError(node, verdict, knownHosts));
      if (err.level === 'client-authentication') {
        return reject(
          nodeError(
            node,
            'auth-refused',
            'UNAUTHENTICATED',
            `authentication refused for user ${node.ssh.user} (${node.ssh.key ? `key ${node.ssh.key}` : 'ssh agent keys'}): is the public key in the node's authorized_keys?`,
          ),
        );
      }
      const why = err.level === 'client-timeout' ? `no ssh answer within ${(config.readyTimeout ?? 0) / 1000} s` : err.message;
      reject(nodeError(node, 'unreachable', 'UNAVAILABLE', `unreachable: ${why}`));
    });
    client.connect(config);
  });
}

function session(client: Client): SshSession {
  return {
    exec(command, input) {
      return new Promise((resolve, reject) => {
        client.exec(command, (err, stream) => {
          if (err) return reject(err);
          let stdout = '';
          let stderr = '';
          stream.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
          stream.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
          stream.on('close', (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
          stream.end(input ?? undefined);
        });
      });
    },
    upload(localPath, remotePath) {
      return new Promise((resolve, reject) => {
        client.sftp((err, sftp) => {
          if (err) return reject(err);
          sftp.fastPut(localPath, remotePath, (e) => {
            sftp.end();
            if (e) reject(e);
            else resolve();
          });
        });
      });
    },
    close() {
      client.end();
    },
  };
}
