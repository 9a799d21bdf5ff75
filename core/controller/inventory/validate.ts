// Validation of nodes.yaml: the parsed YAML (plain data) becomes an Inventory with its defaults
// filled in, or a BAD_INPUT that names the file, the node and the field. Nothing here touches the
// disk: the caller decides what a bad file changes (nothing).
import os from 'node:os';
import path from 'node:path';
import { BatonError } from '../../model/errors.js';
import type { Inventory, InventoryNode } from '../../model/inventory.js';
import { parseAddress } from '../../rpc/address.js';

/** a node's name: also the agent's identity in its certificate (baton://node/NAME) */
export const NODE_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

const NODE_KEYS = new Set(['name', 'host', 'agentPort', 'address', 'ssh', 'labels', 'resources', 'ports', 'drained', 'cordoned']);
const SSH_KEYS = new Set(['user', 'port', 'key', 'knownHosts']);

/** the agent's own default port range for bound channels (`baton agent --ports`) */
export const DEFAULT_TASK_PORTS = { from: 20000, to: 20999 };

function defaultSshUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'root'; // no passwd entry (a container's uid): ssh needs some name
  }
}

/** The defaults of one entry's ssh block. */
export function defaultSsh(): InventoryNode['ssh'] {
  return { user: defaultSshUser(), port: 22, key: '', knownHosts: path.join(os.homedir(), '.ssh', 'known_hosts') };
}

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class EntryChecker {
  constructor(
    private readonly file: string,
    private readonly index: number,
    private readonly node: string,
  ) {}

  fail(field: string, message: string): never {
    const who = this.node ? `node ${this.node}` : `node #${this.index + 1}`;
    throw new BatonError('BAD_INPUT', `${this.file}: ${who}: ${field} ${message}`, {
      where: `${this.file}: nodes[${this.index}].${field}`,
      ...(this.node ? { node: this.node } : {}),
    });
  }

  string(raw: Raw, key: string, field: string, fallback?: string): string {
    const v = raw[key];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      this.fail(field, 'is required');
    }
    if (typeof v !== 'string') this.fail(field, `must be a string, not ${JSON.stringify(v)}`);
    return v;
  }

  port(raw: Raw, key: string, field: string, fallback?: number): number {
    const v = raw[key];
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      this.fail(field, 'is required');
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) this.fail(field, `must be a port (1-65535), not ${JSON.stringify(v)}`);
    return v;
  }

  count(raw: Raw, key: string, field: string): number {
    const v = raw[key] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) this.fail(field, `must be a number of 0 or more, not ${JSON.stringify(v)}`);
    return v;
  }

  flag(raw: Raw, key: string): boolean {
    const v = raw[key] ?? false;
    if (typeof v !== 'boolean') this.fail(key, `must be true or false, not ${JSON.stringify(v)}`);
    return v;
  }

  block(raw: Raw, key: string, keys?: Set<string>): Raw {
    const v = raw[key] ?? {};
    if (!isObject(v)) this.fail(key, 'must be a mapping');
    if (keys) for (const k of Object.keys(v)) if (!keys.has(k)) this.fail(`${key}.${k}`, `is not a field (known: ${[...keys].join(', ')})`);
    return v;
  }
}

function checkEntry(file: string, index: number, raw: unknown): InventoryNode {
  if (!isObject(raw)) return new EntryChecker(file, index, '').fail('(entry)', 'must be a mapping with name, host and agentPort');
  const first = new EntryChecker(file, index, '');
  const name = first.string(raw, 'name', 'name');
  if (!NODE_NAME.test(name)) first.fail('name', `${JSON.stringify(name)} must match [a-z0-9][a-z0-9_.-]*`);
  const c = new EntryChecker(file, index, name);
  for (const k of Object.keys(raw)) if (!NODE_KEYS.has(k)) c.fail(k, `is not a field (known: ${[...NODE_KEYS].join(', ')})`);
  const address = raw.address === undefined ? undefined : c.string(raw, 'address', 'address');
  if (address !== undefined) {
    try {
      parseAddress(address, 'address');
    } catch (e) {
      c.fail('address', (e as Error).message);
    }
  }
  // a node dialled at its own address (an agent on this machine) needs no host or agent port
  const host = c.string(raw, 'host', 'host', address !== undefined ? '' : undefined);
  if (address === undefined && !host.trim()) c.fail('host', 'must not be empty');
  const agentPort = address !== undefined && raw.agentPort === undefined ? 0 : c.port(raw, 'agentPort', 'agentPort');
  const sshRaw = c.block(raw, 'ssh', SSH_KEYS);
  const sshDefaults = defaultSsh();
  const ssh = {
    user: c.string(sshRaw, 'user', 'ssh.user', sshDefaults.user),
    port: c.port(sshRaw, 'port', 'ssh.port', sshDefaults.port),
    key: c.string(sshRaw, 'key', 'ssh.key', sshDefaults.key),
    knownHosts: c.string(sshRaw, 'knownHosts', 'ssh.knownHosts', sshDefaults.knownHosts),
  };
  const labelsRaw = c.block(raw, 'labels');
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(labelsRaw)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') c.fail(`labels.${k}`, 'must be a string');
    labels[k] = String(v);
  }
  const resourcesRaw = c.block(raw, 'resources', new Set(['cpu', 'memoryBytes']));
  const resources = { cpu: c.count(resourcesRaw, 'cpu', 'resources.cpu'), memoryBytes: c.count(resourcesRaw, 'memoryBytes', 'resources.memoryBytes') };
  const portsRaw = c.block(raw, 'ports', new Set(['from', 'to']));
  const ports = { from: c.port(portsRaw, 'from', 'ports.from', DEFAULT_TASK_PORTS.from), to: c.port(portsRaw, 'to', 'ports.to', DEFAULT_TASK_PORTS.to) };
  if (ports.from > ports.to) c.fail('ports', `from (${ports.from}) must not be above to (${ports.to})`);
  const node: InventoryNode = { name, host, agentPort, ssh, labels, resources, ports, drained: c.flag(raw, 'drained'), cordoned: c.flag(raw, 'cordoned') };
  if (address !== undefined) node.address = address;
  return node;
}

/** The inventory in `data` (nodes.yaml parsed), defaults filled in; BAD_INPUT naming file, node and field. */
export function validateInventory(file: string, data: unknown): Inventory {
  if (data === undefined || data === null) return { nodes: [] }; // an empty file: no nodes yet
  if (!isObject(data)) throw new BatonError('BAD_INPUT', `${file}: must be a mapping with a nodes list`, { where: file });
  for (const k of Object.keys(data)) {
    if (k !== 'nodes') throw new BatonError('BAD_INPUT', `${file}: ${k} is not a field (known: nodes)`, { where: `${file}: ${k}` });
  }
  const list = data.nodes ?? [];
  if (!Array.isArray(list)) throw new BatonError('BAD_INPUT', `${file}: nodes must be a list`, { where: `${file}: nodes` });
  const nodes = list.map((raw, i) => checkEntry(file, i, raw));
  const seenNames = new Map<string, number>();
  const seenAddresses = new Map<string, string>();
  nodes.forEach((n, i) => {
    const before = seenNames.get(n.name);
    if (before !== undefined) {
      throw new BatonError('BAD_INPUT', `${file}: node ${n.name}: name is used twice (nodes[${before}] and nodes[${i}])`, {
        where: `${file}: nodes[${i}].name`,
        node: n.name,
      });
    }
    seenNames.set(n.name, i);
    const address = dialAddress(n);
    const other = seenAddresses.get(address);
    if (other) {
      throw new BatonError('BAD_INPUT', `${file}: node ${n.name}: address ${address} is node ${other}'s too`, { where: `${file}: nodes[${i}]`, node: n.name });
    }
    seenAddresses.set(address, n.name);
  });
  return { nodes };
}

/** The address the controller dials for an inventory node. */
export function dialAddress(n: InventoryNode): string {
  if (n.address) return n.address;
  return n.host.includes(':') ? `[${n.host}]:${n.agentPort}` : `${n.host}:${n.agentPort}`;
}
