// A small reader of nodes.yaml for `baton node bootstrap`, typed on InventoryNode
// (core/model/inventory.ts). The controller's own loader (core/controller/inventory/) is the full
// one; this reader takes the same entries (camelCase or snake_case keys) with the defaults the
// model documents, and refuses what bootstrap cannot use, naming the entry and the field.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { BatonError } from '../../model/errors.js';
import type { InventoryNode } from '../../model/inventory.js';

const NAME_RE = /^[a-z0-9][a-z0-9-_.]{0,62}$/;
type Raw = Record<string, unknown>;

function pick(o: Raw, camel: string): unknown {
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return o[camel] ?? o[snake];
}

function int(v: unknown, dflt: number, where: string, file: string): number {
  if (v === undefined || v === null) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new BatonError('BAD_INPUT', `${file}: ${where} ${JSON.stringify(v)} is not a port`, { where: `${file}: ${where}` });
  return n;
}

function str(v: unknown, dflt: string): string {
  return v === undefined || v === null ? dflt : String(v);
}

export function nodeOf(raw: Raw, index: number, file: string): InventoryNode {
  const name = str(raw.name, '');
  const at = `nodes[${index}]${name ? ` (${name})` : ''}`;
  if (!NAME_RE.test(name))
    throw new BatonError('BAD_INPUT', `${file}: ${at}.name ${JSON.stringify(name)}: lower-case letters, digits, - _ .`, { where: `${file}: ${at}.name` });
  const host = str(raw.host, '');
  if (!host) throw new BatonError('BAD_INPUT', `${file}: ${at}.host is missing`, { where: `${file}: ${at}.host` });
  const ssh = (raw.ssh ?? {}) as Raw;
  const ports = (raw.ports ?? {}) as Raw;
  const resources = (raw.resources ?? {}) as Raw;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries((raw.labels ?? {}) as Raw)) labels[k] = String(v);
  return {
    name,
    host,
    agentPort: int(pick(raw, 'agentPort'), 7700, `${at}.agentPort`, file),
    ssh: {
      user: str(ssh.user, os.userInfo().username),
      port: int(ssh.port, 22, `${at}.ssh.port`, file),
      key: str(ssh.key, ''),
      knownHosts: str(pick(ssh, 'knownHosts'), path.join(os.homedir(), '.ssh', 'known_hosts')),
    },
    labels,
    resources: { cpu: Number(resources.cpu ?? 0), memoryBytes: Number(pick(resources, 'memoryBytes') ?? 0) },
    ports: { from: int(ports.from, 20000, `${at}.ports.from`, file), to: int(ports.to, 20999, `${at}.ports.to`, file) },
    drained: !!raw.drained,
    cordoned: !!raw.cordoned,
  };
}

/** The nodes of an inventory file. */
export function readInventoryFile(file: string): InventoryNode[] {
  let doc: unknown;
  if (!fs.existsSync(file)) {
    throw new BatonError('NOT_FOUND', `no inventory at ${file}: write one (docs/remote-nodes.md, "The inventory") or give --inventory FILE`, { where: file });
  }
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BatonError('BAD_INPUT', `inventory ${file}: ${(e as Error).message}`, { where: file });
  }
  const list = (doc as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(list)) throw new BatonError('BAD_INPUT', `inventory ${file}: no \`nodes:\` list`, { where: file });
  const nodes = list.map((n, i) => nodeOf((n ?? {}) as Raw, i, file));
  const seen = new Set<string>();
  for (const n of nodes) {
    if (seen.has(n.name)) throw new BatonError('BAD_INPUT', `inventory ${file}: node ${n.name} is listed twice`, { where: file });
    seen.add(n.name);
  }
  return nodes;
}

/** The named nodes (all when none is named); an unknown name is NOT_FOUND. */
export function selectNodes(nodes: InventoryNode[], names: string[], file: string): InventoryNode[] {
  if (!names.length) return nodes;
  return names.map((n) => {
    const found = nodes.find((x) => x.name === n);
    if (!found)
      throw new BatonError('NOT_FOUND', `node ${n} is not in the inventory ${file} (it lists ${nodes.map((x) => x.name).join(', ') || 'none'})`, {
        where: file,
      });
    return found;
  });
}
