// The training session host of the console gateway: POST /api/training/<Method> (contract.ts).
// It lets the console start a walkthrough only where the CLI would: on a controller started for
// training (GetInfo.training), with the local stack's home known (agent faults signal its
// processes, reports are saved under it). One session at a time per gateway: a stack trains one
// trainee at a time (a second start while one runs is BUSY). The pages watching the session
// (watch(), streamed by ../streams.ts on TRAINING_STREAM) get it whole, then each change.
import * as path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BatonError, toBatonError } from '../../model/errors.js';
import type { ControlConnection } from '../../rpc/control-client.js';
import { findWalkthrough, loadWalkthroughs } from '../../training/load.js';
import { shippedWalkthroughsDir } from '../../training/local-stack.js';
import { listReports, readReport } from '../../training/report.js';
import { parseJsonObject, readBody, sendError, sendJson } from '../http.js';
import { isTrainingMethod, TRAINING_PREFIX, type TrainingMethod, type TrainingReply, type TrainingStreamMessage, type WalkthroughList } from './contract.js';
import { TrainingSession } from './session.js';

export interface TrainingHostOptions {
  /** the local stack's home; without it nothing can start (and no reports are listed) */
  home?: string;
  /** the walkthrough folder (default: the shipped training/) */
  walkthroughDir?: string;
}

const BODY_LIMIT = 64 * 1024;

export class TrainingHost {
  private session: TrainingSession | null = null;
  private readonly dir: string;
  private readonly watchers = new Set<(m: TrainingStreamMessage) => void>();

  constructor(
    private readonly control: ControlConnection,
    private readonly options: TrainingHostOptions,
  ) {
    this.dir = path.resolve(options.walkthroughDir ?? shippedWalkthroughsDir());
  }

  /** null when a walkthrough may start here, else why not (a BatonError to send) */
  private async refusal(): Promise<BatonError | null> {
    const info = await this.control.call('getInfo', {});
    if (!info.training) {
      return new BatonError(
        'PERMISSION_DENIED',
        `controller ${info.controllerId} is not a training stack: walkthroughs inject faults only where the controller was started for training (baton local up --training)`,
        { where: 'controller' },
      );
    }
    if (!this.options.home) {
      return new BatonError(
        'UNAVAILABLE',
        'this console does not know the local training stack’s home (agent faults and reports need it): start it with baton console --home <home of baton local up --training>',
        { where: '--home' },
      );
    }
    return null;
  }

  private home(): string {
    if (!this.options.home) throw new BatonError('UNAVAILABLE', 'this console does not know the local stack’s home: no training reports', { where: '--home' });
    return this.options.home;
  }

  async call<M extends TrainingMethod>(method: M, body: Record<string, unknown>): Promise<TrainingReply<M>> {
    return (await this.dispatch(method, body)) as TrainingReply<M>;
  }

  private async dispatch(method: TrainingMethod, body: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case 'ListWalkthroughs': {
        const why = await this.refusal();
        const list: WalkthroughList = {
          available: !why,
          reason: why?.message ?? '',
          walkthroughs: loadWalkthroughs(this.dir).flatMap((l) =>
            l.walkthrough
              ? [
                  {
                    id: l.walkthrough.id,
                    title: l.walkthrough.title,
                    audience: l.walkthrough.audience,
                    summary: l.walkthrough.summary,
                    steps: l.walkthrough.steps.length,
                    workflow: l.walkthrough.stack.workflow,
                  },
                ]
              : [],
          ),
        };
        return list;
      }
      case 'StartSession': {
        const id = stringField(body, 'walkthrough');
        const trainee = stringField(body, 'trainee').trim();
        if (!trainee) throw new BatonError('BAD_INPUT', 'StartSession: trainee: say who is trained (the report names them)', { where: 'trainee' });
        const why = await this.refusal();
        if (why) throw why;
        if (this.session?.running) {
          throw new BatonError(
            'BUSY',
            `a walkthrough is already running on this stack (${this.session.walkthrough.id}, trainee ${this.session.state.trainee}): stop it first`,
            { where: 'walkthrough' },
          );
        }
        const w = findWalkthrough(this.dir, id);
        this.session = new TrainingSession(w, trainee, this.control, this.home(), (change) => this.tell({ kind: 'change', change }));
        this.tell({ kind: 'session', session: this.session.state });
        return this.session.state;
      }
      case 'GetSession':
        return { session: this.session?.state ?? null };
      case 'AnswerQuestion':
        this.current().answer(stringField(body, 'answer'));
        return this.current().state;
      case 'StopSession': {
        const s = this.current();
        s.stop();
        await s.done;
        return s.state;
      }
      case 'ListReports':
        return {
          reports: listReports(this.home()).map(({ file, report: r }) => ({
            name: path.basename(file, '.json'),
            walkthrough: r.walkthrough,
            title: r.title,
            trainee: r.trainee,
            scripted: r.scripted,
            startedMs: r.startedMs,
            durationMs: r.durationMs,
            outcome: r.outcome,
            hints: r.steps.reduce((n, s) => n + s.hints.length, 0),
            wrongActions: r.steps.reduce((n, s) => n + s.wrongActions.length, 0),
          })),
        };
      case 'ReadReport': {
        const name = stringField(body, 'name');
        // a name, never a path: the trainer's page reads reports of this home only
        if (!/^[\w.-]+$/.test(name)) throw new BatonError('BAD_INPUT', `ReadReport: name: not a report name: ${JSON.stringify(name)}`, { where: 'name' });
        const { file, report } = readReport(this.home(), name);
        return { name: path.basename(file, '.json'), report };
      }
    }
  }

  /**
   * Watches the session: `listener` gets the session as it is now (null before the first), at
   * once, then each of its changes, and a new session whole when it starts. Returns the unwatch.
   */
  watch(listener: (m: TrainingStreamMessage) => void): () => void {
    listener({ kind: 'session', session: this.session?.state ?? null });
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  private tell(m: TrainingStreamMessage): void {
    for (const listener of this.watchers) {
      try {
        listener(m);
      } catch {
        // a page that cannot be told (its socket broke) is dropped; the walkthrough goes on
        this.watchers.delete(listener);
      }
    }
  }

  private current(): TrainingSession {
    if (!this.session?.running) throw new BatonError('NOT_FOUND', 'no walkthrough is running on this stack', { where: 'session' });
    return this.session;
  }

  /** Stops a running session (the gateway stops): its environment is destroyed. */
  async close(): Promise<void> {
    if (this.session?.running) {
      this.session.stop();
      await this.session.done;
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = url.pathname.slice(TRAINING_PREFIX.length);
    try {
      if (!isTrainingMethod(method)) throw new BatonError('NOT_FOUND', `no such training method: ${method || '(empty)'}`, { where: url.pathname });
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        throw new BatonError('BAD_INPUT', `training ${method}: use POST`, { where: url.pathname });
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        throw new BatonError('BAD_INPUT', `training ${method}: Content-Type must be application/json`, { where: 'Content-Type' });
      }
      const body = parseJsonObject(await readBody(req, BODY_LIMIT), `training ${method} request`);
      sendJson(res, 200, await this.dispatch(method, body));
    } catch (e) {
      if (!res.headersSent) sendError(res, toBatonError(e));
      else res.destroy();
    }
  }
}

function stringField(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (typeof v !== 'string') throw new BatonError('BAD_INPUT', `${name}: expected a string`, { where: name });
  return v;
}
