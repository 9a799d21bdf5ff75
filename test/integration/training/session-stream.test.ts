// The console's training session as a stream (core/gateway/training/, /ws/training/WatchSession),
// through a real console gateway on a real local training stack: a page that watches gets the
// session whole, then each change (step, hint, a question, the end with its report) without asking;
// a page that reconnects mid-walkthrough gets the session as it is then and the changes from there,
// and folding them gives the gateway's own copy. The step asking a question in an `any:` ends when
// the other branch holds: the question is withdrawn, not waited for. A bad request is a structured
// error frame.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { TOKEN_HEADER, type StreamFrameOf } from '../../../core/gateway/contract.js';
import { startGateway, type GatewayHandle } from '../../../core/gateway/main.js';
import { applySessionChange, TRAINING_STREAM, type TrainingSessionState, type TrainingStreamMessage } from '../../../core/gateway/training/contract.js';
import { readState } from '../../../core/local/state.js';
import { localStack, type LocalStack } from '../cli/harness.js';

const WALKTHROUGH = `title: Stream test
audience: shifter
summary: Start the run, then either stop it or name the task that is not critical.
stack: {workflow: training-demo, start_at: CONFIGURED}
steps:
  - title: Start the run
    instructions: Press **START_ACTIVITY**.
    allowed: [START_ACTIVITY]
    hints:
      - {after: 1s, text: "START_ACTIVITY is among the transition buttons."}
    done: {env: {state: RUNNING, run: open}}
    trainee:
      - transition: START_ACTIVITY
  - title: Stop, or name it
    instructions: Stop the run, or name the task that is not critical.
    done:
      any:
        - {env: {state: CONFIGURED, run: none}}
        - {answer: {question: "Which task is not critical?", expect: gamma}}
    trainee:
      - transition: STOP_ACTIVITY
debrief: Either ends the step.
`;

/** A page watching the session: the messages it got, and its copy folded from them. */
class Watcher {
  readonly messages: TrainingStreamMessage[] = [];
  session: TrainingSessionState | null = null;
  error: { code: string; message: string } | null = null;
  closed = false;
  private wake: (() => void) | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as StreamFrameOf<TrainingStreamMessage>;
      if (frame.t === 'error') this.error = frame.error;
      if (frame.t === 'msg') {
        const m = frame.m;
        this.messages.push(m);
        if (m.kind === 'session') this.session = m.session;
        else {
          assert.ok(this.session, 'a change comes after the session');
          const next = applySessionChange(this.session, m.change);
          assert.ok(next, `change ${m.change.version} follows version ${this.session.version}`);
          this.session = next;
        }
      }
      this.wake?.();
    });
    ws.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static open(gw: GatewayHandle, firstFrame = '{}', name = TRAINING_STREAM): Promise<Watcher> {
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}ws/${name}?token=${encodeURIComponent(gw.token)}`);
    const w = new Watcher(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.send(firstFrame);
        resolve(w);
      });
      ws.once('error', reject);
    });
  }

  /** resolves when the copy satisfies `ok` (told by the stream; the test's timeout guards a hang) */
  async until(what: string, ok: (s: TrainingSessionState | null) => boolean): Promise<TrainingSessionState> {
    while (!ok(this.session)) {
      assert.ok(!this.closed, `the stream closed while waiting for ${what}`);
      await new Promise<void>((r) => {
        this.wake = r;
      });
    }
    return this.session!;
  }

  close(): void {
    this.ws.close();
  }
}

async function trainingPost(gw: GatewayHandle, method: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(new URL(`/api/training/${method}`, gw.url), {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: gw.token },
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

let stack: LocalStack;
let gw: GatewayHandle;
before(async () => {
  stack = await localStack(['--agents', '2', '--training']);
  const dir = path.join(stack.home, 'stream-walkthroughs');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '91-stream-test.yaml'), WALKTHROUGH);
  const st = readState(stack.home)!;
  gw = await startGateway({ controller: st.controller.address, token: st.token, training: { home: stack.home, walkthroughDir: dir } });
});
after(async () => {
  await gw?.stop();
  const d = await stack.down();
  assert.deepEqual(d.left, [], 'local down leaves no process');
  fs.rmSync(stack.home, { recursive: true, force: true });
});

test('the session streams to a watching page, resumes after a reconnect, and an any: ends without its answer', { timeout: 180_000 }, async () => {
  const first = await Watcher.open(gw);
  await first.until('the first message', () => first.messages.length > 0);
  assert.deepEqual(first.messages[0], { kind: 'session', session: null }, 'nothing ran yet on this gateway');

  const started = await trainingPost(gw, 'StartSession', { walkthrough: '91-stream-test', trainee: 'ana' });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const inStep1 = await first.until('step 1', (s) => s?.phase === 'step' && s.current === 0);
  assert.equal(first.messages[1]?.kind, 'session', 'the new session comes whole');
  assert.match(inStep1.steps[0]!.waitingFor, /RUNNING/);
  const hinted = await first.until('the hint', (s) => !!s?.steps[0]!.hints.length);
  assert.deepEqual(hinted.steps[0]!.hints, ['START_ACTIVITY is among the transition buttons.']);

  // the trainee presses START_ACTIVITY (as in the console): the step changes on the page
  await stack.ok(['env', 'control', inStep1.envId, 'START_ACTIVITY'], { timeoutMs: 60_000 });
  const asking = await first.until('step 2 asking its question', (s) => s?.current === 1 && s.question !== '');
  assert.equal(asking.steps[0]!.status, 'done');
  assert.equal(asking.question, 'Which task is not critical?');
  assert.ok(
    first.messages.slice(2).every((m) => m.kind === 'change'),
    'after the session, only changes',
  );

  // the page loses its connection; another one opens: the session as it is now, then the changes
  first.close();
  const again = await Watcher.open(gw);
  const resumed = await again.until('the session', (s) => s !== null);
  assert.equal(again.messages[0]?.kind, 'session');
  assert.equal(resumed.id, asking.id);
  assert.ok(resumed.version >= asking.version, `resumed at version ${resumed.version}, had ${asking.version}`);
  assert.equal(resumed.question, 'Which task is not critical?');

  // the other branch of the any: holds; nobody answers: the step ends, the question is withdrawn
  await stack.ok(['env', 'control', resumed.envId, 'STOP_ACTIVITY'], { timeoutMs: 60_000 });
  const ended = await again.until('the end', (s) => s?.phase === 'ended');
  assert.equal(ended.outcome, 'completed', ended.reason);
  assert.equal(ended.question, '');
  assert.deepEqual(
    ended.steps.map((s) => s.status),
    ['done', 'done'],
  );
  assert.equal(ended.debrief, 'Either ends the step.');
  assert.ok(ended.report && ended.reportName, 'the report came with the end');

  // the copy folded from the stream is the gateway's own
  const { body } = await trainingPost(gw, 'GetSession', {});
  assert.deepEqual(ended, body.session);
  again.close();
});

test('a watch whose request is not JSON gets a structured BAD_INPUT error frame', async () => {
  const bad = await Watcher.open(gw, 'not json');
  await bad.until('the error', () => bad.error !== null || bad.closed);
  assert.equal(bad.error?.code, 'BAD_INPUT');
  assert.match(bad.error?.message ?? '', /training\/WatchSession request/);
});
