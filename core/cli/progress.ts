// Progress of a long operation (tasks done / total): a bar on a terminal, plain lines otherwise.
import { BatonError } from '../model/errors.js';
import type { ControlConnection } from '../rpc/control-client.js';
import { detailFromProto } from '../rpc/errors.js';
import type { ControlProgress } from '../rpc/gen/control.js';

export interface ProgressView {
  update(label: string, done: number, total: number, phase?: string): void;
  /** a line of its own (clears the bar first) */
  line(text: string): void;
  end(): void;
}

const BAR_WIDTH = 28;

/** On a TTY a redrawn bar; otherwise a line per phase change, at most one a second in between. */
export function progressView(stream: NodeJS.WriteStream = process.stderr, enabled = true, unit = 'tasks'): ProgressView {
  if (!enabled) return { update() {}, line() {}, end() {} };
  if (stream.isTTY) {
    let lastDraw = 0;
    let drawn = false;
    return {
      update(label, done, total, phase) {
        const now = Date.now();
        if (now - lastDraw < 50 && done < total) return;
        lastDraw = now;
        const frac = total > 0 ? Math.min(1, done / total) : 0;
        const fill = Math.round(frac * BAR_WIDTH);
        const bar = '█'.repeat(fill) + '░'.repeat(BAR_WIDTH - fill);
        stream.write(`\r\x1b[K${label} [${bar}] ${done}/${total}${phase ? `  ${phase}` : ''}`);
        drawn = true;
      },
      line(text) {
        stream.write(`${drawn ? '\r\x1b[K' : ''}${text}\n`);
        drawn = false;
      },
      end() {
        if (drawn) stream.write('\r\x1b[K');
        drawn = false;
      },
    };
  }
  let lastKey = '';
  let lastMs = 0;
  const completed = new Set<string>();
  return {
    update(label, done, total, phase) {
      const key = `${label}/${phase ?? ''}`;
      const complete = done >= total;
      const now = Date.now();
      if (complete && completed.has(key)) return;
      if (key === lastKey && !complete && now - lastMs < 1000) return;
      if (complete) completed.add(key);
      lastKey = key;
      lastMs = now;
      stream.write(`${label}: ${done}/${total}${unit ? ` ${unit}` : ''}${phase ? ` (${phase})` : ''}\n`);
    },
    line(text) {
      stream.write(text + '\n');
    },
    end() {},
  };
}

export interface TransitionOptions {
  timeoutMs?: number;
  args?: Record<string, string>;
  view: ProgressView;
  /** aborting cancels the stream (the controller carries the transition on) */
  signal?: AbortSignal;
}

/**
 * Runs one transition through ControlEnvironment, showing its progress; resolves with the final
 * message when it succeeded, throws the structured failure (task, node, exit code, last lines)
 * when it did not.
 */
export function runTransition(c: ControlConnection, envId: string, transition: string, opts: TransitionOptions): Promise<ControlProgress> {
  // the client deadline leaves the controller room to report its own (named) timeout first
  const clientTimeoutMs = (opts.timeoutMs || 15 * 60_000) + 30_000;
  return new Promise<ControlProgress>((resolve, reject) => {
    let final: ControlProgress | null = null;
    let settled = false;
    const call = c.stream(
      'controlEnvironment',
      { id: envId, transition, timeoutMs: opts.timeoutMs ?? 0, args: opts.args ?? {} },
      { timeoutMs: clientTimeoutMs },
    );
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      opts.view.end();
    };
    const onAbort = () => {
      call.cancel();
      settle(() =>
        reject(new BatonError('UNAVAILABLE', `interrupted: ${transition} goes on in the controller (see \`baton env show ${envId}\`)`, { envId, transition })),
      );
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    call.on('data', (p) => {
      if (p.final) {
        final = p;
        return;
      }
      if (p.total > 0) opts.view.update(transition, p.done, p.total, p.phase);
    });
    call.on('error', (e) => settle(() => reject(e)));
    call.on('end', () => {
      opts.signal?.removeEventListener('abort', onAbort);
      settle(() => {
        if (!final) {
          reject(new BatonError('INTERNAL', `${transition}: the controller closed the stream without an outcome`, { envId, transition }));
        } else if (!final.ok) {
          const d = final.error?.code
            ? detailFromProto(final.error)
            : { code: 'TASK_FAILED', message: `${transition} failed: the environment is ${final.state}` };
          reject(BatonError.fromDetail({ envId, transition, ...d }));
        } else {
          if (final.total > 0) opts.view.update(transition, final.done || final.total, final.total, final.phase);
          resolve(final);
        }
      });
    });
  });
}
