// The sampling loop: every sample period, one pass over the controller's memory into the rings
// (collect.ts, store.ts). A few hundred series take well under a millisecond; the timer is unref'd
// so it holds no process open. The controller's history is reached through a WeakMap, as the task
// label limit is (metrics/labels.ts), so ControllerCore needs no field for it.
import { BatonError } from '../../model/errors.js';
import type { ControllerCore } from '../core.js';
import { collectSamples } from './collect.js';
import { DEFAULT_MAX_SERIES, DEFAULT_SAMPLE_MS, HistoryStore } from './store.js';

export interface HistoryOptions {
  /** sample period, ms (default 5000): the fine tier keeps 720 of them, the coarse 1440 of twelve */
  sampleMs?: number;
  /** at most this many series (default 2000, ~17 KB each) */
  maxSeries?: number;
  /** answer QueryHistory from this Prometheus (query_range over the controller's metrics) */
  prometheusUrl?: string;
}

export interface History {
  store: HistoryStore;
  prometheusUrl: string | null;
  stop(): void;
}

const histories = new WeakMap<ControllerCore, History>();

export function historyOf(controller: ControllerCore): History | undefined {
  return histories.get(controller);
}

/** Checks the options (BAD_INPUT naming the option) before anything starts. */
export function checkHistoryOptions(opts: HistoryOptions): Required<Omit<HistoryOptions, 'prometheusUrl'>> & { prometheusUrl: string | null } {
  const sampleMs = opts.sampleMs ?? DEFAULT_SAMPLE_MS;
  if (!Number.isInteger(sampleMs) || sampleMs < 100 || sampleMs > 3_600_000) {
    throw new BatonError('BAD_INPUT', `history sample period ${sampleMs} ms: a whole number of ms from 100 to 3600000`, { where: 'historySampleMs' });
  }
  const maxSeries = opts.maxSeries ?? DEFAULT_MAX_SERIES;
  if (!Number.isInteger(maxSeries) || maxSeries < 1) {
    throw new BatonError('BAD_INPUT', `history series limit ${maxSeries}: a whole number, 1 or more`, { where: 'historyMaxSeries' });
  }
  let prometheusUrl: string | null = null;
  if (opts.prometheusUrl) {
    let url: URL;
    try {
      url = new URL(opts.prometheusUrl);
    } catch {
      throw new BatonError('BAD_INPUT', `prometheus url ${JSON.stringify(opts.prometheusUrl)} is not a URL (http://host:9090)`, { where: 'prometheusUrl' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new BatonError('BAD_INPUT', `prometheus url ${opts.prometheusUrl}: http or https only`, { where: 'prometheusUrl' });
    }
    prometheusUrl = url.href.replace(/\/+$/, '');
  }
  return { sampleMs, maxSeries, prometheusUrl };
}

export function startHistory(controller: ControllerCore, opts: HistoryOptions = {}): History {
  const checked = checkHistoryOptions(opts);
  const store = new HistoryStore(checked.sampleMs, checked.maxSeries);
  let sweptAt = Date.now();
  const sample = () => {
    const now = Date.now();
    for (const s of collectSamples(controller)) store.record(now, s.metric, s.labels, s.value);
    if (now - sweptAt > checked.sampleMs * 12) {
      sweptAt = now;
      store.sweep(now);
    }
  };
  // with Prometheus configured the rings are not read: no sampling
  const timer = checked.prometheusUrl ? null : setInterval(sample, checked.sampleMs);
  timer?.unref();
  const history: History = {
    store,
    prometheusUrl: checked.prometheusUrl,
    stop() {
      if (timer) clearInterval(timer);
      histories.delete(controller);
    },
  };
  histories.set(controller, history);
  return history;
}
