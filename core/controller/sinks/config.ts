// What an event sink is configured with (docs/event-sinks.md): a NATS server or an HTTP webhook,
// each named, since its name keys the resume point kept in the store. Checked once at start:
// a wrong sink is a BAD_INPUT naming the sink and the field, and the controller does not start.
import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { BatonError } from '../../model/errors.js';

interface SinkCommon {
  /** unique; keys the sink's resume point (delivered seq) in the store */
  name: string;
  /** where a sink seen for the first time starts: after the last stored event ('now', default) or
   *  at the first stored event ('beginning') */
  from?: 'now' | 'beginning';
  /** events per delivery (a NATS batch of publishes, one webhook POST) */
  batchSize?: number;
  /** first wait after a failed delivery, doubled up to retryMaxMs */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export interface NatsSinkConfig extends SinkCommon {
  kind: 'nats';
  /** nats://host:port, one or more */
  servers: string[];
  /** subjects are <subjectPrefix>.<env>.<kind>; default baton.events */
  subjectPrefix?: string;
  /** 'jetstream' (default): every publish is acknowledged by the stream; 'core': plain publish,
   *  counted delivered once the server has answered a flush (no storage, no consumer replay) */
  mode?: 'jetstream' | 'core';
  /** the JetStream stream (default BATON_EVENTS), made over <subjectPrefix>.> unless it exists */
  stream?: string;
  createStream?: boolean;
  token?: string;
  user?: string;
  pass?: string;
  /** per publish acknowledgement / flush (default 5 s) */
  timeoutMs?: number;
}

export interface WebhookSinkConfig extends SinkCommon {
  kind: 'webhook';
  url: string;
  /** extra request headers, e.g. authorization */
  headers?: Record<string, string>;
  /** per request (default 10 s) */
  timeoutMs?: number;
}

export type EventSinkConfig = NatsSinkConfig | WebhookSinkConfig;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

function bad(where: string, message: string): never {
  throw new BatonError('BAD_INPUT', message, { where });
}

function positive(where: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) bad(where, `${where} must be a whole number above 0 (got ${JSON.stringify(v)})`);
  return v;
}

function text(where: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') bad(where, `${where} must be a non-empty string`);
  return v;
}

/** Checks every sink and fills in the defaults; the input is as read from a file or given by an embedder. */
export function checkSinkConfigs(input: unknown, source = 'event sinks'): EventSinkConfig[] {
  if (!Array.isArray(input)) bad(source, `${source}: expected a list of sinks`);
  const names = new Set<string>();
  return input.map((raw, i) => {
    const at = `${source}[${i}]`;
    if (!raw || typeof raw !== 'object') bad(at, `${at}: a sink is a map (kind, name, ...)`);
    const s = raw as Record<string, unknown>;
    const name = text(`${at}.name`, s.name);
    if (!NAME.test(name)) bad(`${at}.name`, `${at}.name '${name}': letters, digits, _ and - only (up to 64)`);
    if (names.has(name)) bad(`${at}.name`, `${at}.name '${name}' is used by another sink`);
    names.add(name);
    const where = `event sink ${name}`;
    if (s.from !== undefined && s.from !== 'now' && s.from !== 'beginning') bad(`${where}.from`, `${where}.from must be 'now' or 'beginning'`);
    const common = {
      name,
      from: (s.from ?? 'now') as 'now' | 'beginning',
      batchSize: positive(`${where}.batchSize`, s.batchSize, s.kind === 'webhook' ? 100 : 500),
      retryInitialMs: positive(`${where}.retryInitialMs`, s.retryInitialMs, 500),
      retryMaxMs: positive(`${where}.retryMaxMs`, s.retryMaxMs, 30_000),
    };
    if (s.kind === 'nats') return checkNats(where, s, common);
    if (s.kind === 'webhook') return checkWebhook(where, s, common);
    return bad(`${where}.kind`, `${where}.kind must be 'nats' or 'webhook' (got ${JSON.stringify(s.kind)})`);
  });
}

function checkNats(where: string, s: Record<string, unknown>, common: SinkCommon): NatsSinkConfig {
  const servers = typeof s.servers === 'string' ? [s.servers] : s.servers;
  if (!Array.isArray(servers) || !servers.length) bad(`${where}.servers`, `${where}.servers: one or more nats://host:port`);
  for (const u of servers) {
    if (typeof u !== 'string' || !/^(nats|tls):\/\/[^/\s]+$|^[^:/\s]+:\d+$/.test(u))
      bad(`${where}.servers`, `${where}.servers: '${u}' is not nats://host:port`);
  }
  const subjectPrefix = s.subjectPrefix === undefined ? 'baton.events' : text(`${where}.subjectPrefix`, s.subjectPrefix);
  if (!subjectPrefix.split('.').every((t) => SUBJECT_TOKEN.test(t))) {
    bad(`${where}.subjectPrefix`, `${where}.subjectPrefix '${subjectPrefix}': dot-separated tokens of letters, digits, _ and - (no wildcards)`);
  }
  const mode = s.mode ?? 'jetstream';
  if (mode !== 'jetstream' && mode !== 'core') bad(`${where}.mode`, `${where}.mode must be 'jetstream' or 'core'`);
  const stream = s.stream === undefined ? 'BATON_EVENTS' : text(`${where}.stream`, s.stream);
  if (!NAME.test(stream)) bad(`${where}.stream`, `${where}.stream '${stream}': letters, digits, _ and - only`);
  for (const k of ['token', 'user', 'pass'] as const) if (s[k] !== undefined) text(`${where}.${k}`, s[k]);
  if ((s.user === undefined) !== (s.pass === undefined)) bad(`${where}.user`, `${where}: user and pass go together`);
  return {
    ...common,
    kind: 'nats',
    servers: servers as string[],
    subjectPrefix,
    mode,
    stream,
    createStream: s.createStream === undefined ? true : !!s.createStream,
    token: s.token as string | undefined,
    user: s.user as string | undefined,
    pass: s.pass as string | undefined,
    timeoutMs: positive(`${where}.timeoutMs`, s.timeoutMs, 5000),
  };
}

function checkWebhook(where: string, s: Record<string, unknown>, common: SinkCommon): WebhookSinkConfig {
  const url = text(`${where}.url`, s.url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return bad(`${where}.url`, `${where}.url '${url}' is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') bad(`${where}.url`, `${where}.url '${url}': http or https only`);
  const headers: Record<string, string> = {};
  if (s.headers !== undefined) {
    if (!s.headers || typeof s.headers !== 'object' || Array.isArray(s.headers)) bad(`${where}.headers`, `${where}.headers must be a map of strings`);
    for (const [k, v] of Object.entries(s.headers as Record<string, unknown>)) headers[k] = text(`${where}.headers.${k}`, v);
  }
  return { ...common, kind: 'webhook', url, headers, timeoutMs: positive(`${where}.timeoutMs`, s.timeoutMs, 10_000) };
}

/** Reads a sinks file: YAML or JSON, a list of sinks or a map with `sinks:` holding one. */
export function readSinkConfigFile(file: string): EventSinkConfig[] {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return bad('--event-sinks', `cannot read event sinks file ${file}: ${(e as Error).message}`);
  }
  const list = doc && typeof doc === 'object' && !Array.isArray(doc) && 'sinks' in doc ? (doc as { sinks: unknown }).sinks : doc;
  return checkSinkConfigs(list, file);
}

/** where a sink delivers, without credentials (status, log lines) */
export function targetOf(s: EventSinkConfig): string {
  if (s.kind === 'webhook') {
    const u = new URL(s.url);
    u.username = '';
    u.password = '';
    return u.toString();
  }
  return s.servers.join(',');
}
