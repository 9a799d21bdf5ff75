// CPU profiles of a running process (the controller of a stack), taken with V8's sampling
// profiler through the inspector: SIGUSR1 opens it (on the port --inspect-port=0 chose, printed
// to the process's stderr, i.e. its log file), then Profiler.start / Profiler.stop over the
// DevTools protocol. The same profiler as `node --cpu-prof`, but scoped to the measured phase.
// summarizeProfile turns a profile into the top self-time functions, mapped to the TypeScript
// sources through the source maps next to dist/*.js.
import fs from 'node:fs';
import path from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export class RemoteProfiler {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (m.id === undefined) return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error) w.reject(new Error(m.error.message));
      else w.resolve(m.result);
    });
  }

  static async attach(pid: number, logFile: string, timeoutMs = 5000): Promise<RemoteProfiler> {
    const before = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    process.kill(pid, 'SIGUSR1');
    const until = Date.now() + timeoutMs;
    let url = '';
    while (!url) {
      const text = fs.readFileSync(logFile, 'utf8').slice(before);
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(text) ?? /Debugger listening on (ws:\/\/\S+)/.exec(fs.readFileSync(logFile, 'utf8'));
      if (m) url = m[1]!;
      else if (Date.now() > until) throw new Error(`pid ${pid} opened no inspector (nothing in ${logFile}); was it started with --inspect-port=0?`);
      else await new Promise((r) => setTimeout(r, 50));
    }
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const p = new RemoteProfiler(ws);
    await p.send('Profiler.enable');
    await p.send('Profiler.setSamplingInterval', { interval: 500 });
    return p;
  }

  private send(method: string, params: object = {}): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  start(): Promise<void> {
    return this.send('Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const r = (await this.send('Profiler.stop')) as { profile: CpuProfile };
    return r.profile;
  }

  /** the V8 heap in use after a full collection (what the process holds), and the heap's size; bytes */
  async heapAfterGc(): Promise<{ usedBytes: number; totalBytes: number }> {
    await this.send('HeapProfiler.collectGarbage');
    const r = (await this.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    return { usedBytes: r.usedSize, totalBytes: r.totalSize };
  }

  close(): void {
    this.ws.close();
  }
}

export interface ProfileEntry {
  fn: string;
  where: string;
  selfMs: number;
  selfPct: number;
}

export interface ProfileSummary {
  label: string;
  file: string;
  wallMs: number;
  sampledMs: number;
  /** share of the window the process was busy (not idle) */
  busyPct: number;
  /** the longest run of consecutive non-idle samples: an upper bound on the longest event-loop block */
  longestBusyMs: number;
  top: ProfileEntry[];
  /** self time by area: baton code (by file), grpc-js, protobuf, sqlite, node internals, gc */
  byArea: { area: string; selfMs: number; selfPct: number }[];
}

const maps = new Map<string, SourceMap | null>();

function sourceMapOf(file: string): SourceMap | null {
  if (maps.has(file)) return maps.get(file)!;
  let sm: SourceMap | null = null;
  try {
    sm = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
  } catch {
    /* no map */
  }
  maps.set(file, sm);
  return sm;
}

/** file:line of a call frame, mapped to the .ts source for baton's own dist/ files */
function locate(url: string, line: number, col: number, root: string): string {
  if (!url) return '';
  if (url.startsWith('node:')) return url;
  let file = url;
  try {
    file = url.startsWith('file:') ? fileURLToPath(url) : url;
  } catch {
    /* keep */
  }
  if (file.includes(`${path.sep}dist${path.sep}`) && !file.includes('node_modules')) {
    const sm = sourceMapOf(file);
    const e = sm?.findEntry(line, col) as { originalSource?: string; originalLine?: number } | undefined;
    if (e?.originalSource) {
      let src = e.originalSource;
      try {
        src = src.startsWith('file:') ? fileURLToPath(src) : path.resolve(path.dirname(file), src);
      } catch {
        /* keep */
      }
      return `${path.relative(root, src)}:${(e.originalLine ?? 0) + 1}`;
    }
  }
  return `${path.relative(root, file)}:${line + 1}`;
}

function areaOf(fn: string, where: string): string {
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(program)') return 'v8 (program)';
  if (where.includes('@grpc/grpc-js')) return 'grpc-js';
  if (where.includes('protobufjs') || where.includes('@bufbuild') || where.includes('core/rpc/gen/')) return 'protobuf encode/decode';
  if (where.includes('better-sqlite3') || where.includes('core/store/')) return 'sqlite store';
  if (where.includes('node_modules')) return where.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1');
  if (where.startsWith('node:')) return 'node internals';
  if (where === '') return fn.startsWith('(') ? fn : 'native';
  return where.replace(/:\d+$/, '');
}

/** Writes the raw profile (open it in Chrome DevTools) and returns its top self-time functions. */
export function summarizeProfile(profile: CpuProfile, label: string, outFile: string, root: string, topN = 15): ProfileSummary {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  // the longest stretch without an idle sample: while it lasts, no timer or I/O callback can run
  let longest = 0;
  let run = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const fn = byId.get(profile.samples[i]!)!.callFrame.functionName;
    if (fn === '(idle)') {
      run = 0;
      continue;
    }
    run += profile.timeDeltas[i + 1] ?? 0;
    longest = Math.max(longest, run);
  }
  const fns = new Map<string, { fn: string; where: string; us: number }>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)!.callFrame;
    const fn = cf.functionName || '(anonymous)';
    if (fn === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const where = locate(cf.url, cf.lineNumber, cf.columnNumber, root);
    const key = `${fn}@${where}`;
    const e = fns.get(key);
    if (e) e.us += us;
    else fns.set(key, { fn, where, us });
  }
  const wallUs = profile.endTime - profile.startTime;
  const pct = (us: number) => Math.round((1000 * us) / (total || 1)) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  const areas = new Map<string, number>();
  for (const e of fns.values()) {
    const a = areaOf(e.fn, e.where);
    areas.set(a, (areas.get(a) ?? 0) + e.us);
  }
  return {
    label,
    file: path.relative(root, outFile),
    wallMs: ms(wallUs),
    sampledMs: ms(total),
    busyPct: Math.round((1000 * total) / (total + idle || 1)) / 10,
    longestBusyMs: ms(longest),
    top: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, topN)
      .map((e) => ({ fn: e.fn, where: e.where, selfMs: ms(e.us), selfPct: pct(e.us) })),
    byArea: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([area, us]) => ({ area, selfMs: ms(us), selfPct: pct(us) })),
  };
}
