// Runs fuzz cases in a worker thread so that the test can stop it if it ever hangs. Posts
// {started: i, label} before each case, {problem} for any non-BatonError or INTERNAL error,
// and {done} at the end.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { stringify } from 'yaml';
import { createWorkflowLoader } from '../../../core/workflow/index.js';
import { BatonError } from '../../../core/model/errors.js';
import { rng, genWorkflow, genClass, mutate, seedTexts, NASTY } from './fuzz-cases.js';

interface Data {
  seed: number;
  count: number;
  dir: string;
  root: string;
  seeds: string[];
}
const { seed, count, dir, root, seeds } = workerData as Data;
const post = (m: unknown) => parentPort!.postMessage(m);
const ALLOWED = new Set(['BAD_TEMPLATE', 'BAD_INPUT', 'NOT_FOUND']);

const texts = seedTexts(seeds);
const r = rng(seed);
fs.mkdirSync(path.join(dir, 'workflows'), { recursive: true });
fs.mkdirSync(path.join(dir, 'tasks'), { recursive: true });
const loader = createWorkflowLoader({ repos: [dir], batonRoot: root, maxRoles: 20_000 });

const outcomes: Record<string, number> = {};
const tally = (k: string) => {
  outcomes[k] = (outcomes[k] ?? 0) + 1;
};

function check(label: string, text: string, e: unknown): void {
  if (e instanceof BatonError && ALLOWED.has(e.code)) {
    tally(`${e.code}/${e.detail.data?.reason ?? '-'}`);
    if (e.code === 'BAD_TEMPLATE' && !/:\d+:\d+$/.test(e.detail.where ?? ''))
      post({ problem: `${label}: BAD_TEMPLATE without file:line:col: ${e.detail.where} ${e.message}`, text });
    return;
  }
  const what = e instanceof BatonError ? `${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e);
  post({ problem: `${label}: ${what}`, text });
}

async function one(i: number): Promise<void> {
  const tag = `c${i}`;
  const classes = [`${tag}-a`, `${tag}-b`];
  let text: string;
  let label: string;
  const mode = i < NASTY.length ? 'nasty' : i % 3 === 0 ? 'mutate' : 'generate';
  const noise = r() < 0.5 ? 0.02 : 0.3; // half the cases are mostly valid, to reach deep into expansion
  const extraClass = stringify(genClass(r, noise));
  if (mode === 'nasty') {
    text = NASTY[i];
    label = `nasty #${i}`;
  } else if (mode === 'mutate') {
    const s = texts[Math.floor(r() * texts.length)];
    text = mutate(r, s.text).replaceAll('class: ', `class: ${tag}-`);
    label = `mutation #${i} (seed ${seed})`;
  } else {
    text = stringify(genWorkflow(r, [`${tag}-inc`, 'missing'], noise < 0.1 ? classes : [...classes, 'nope'], noise));
    label = `generated #${i} (seed ${seed})`;
  }
  fs.writeFileSync(path.join(dir, 'tasks', `${classes[0]}.yaml`), mode === 'mutate' && r() < 0.5 ? mutate(r, extraClass) : extraClass);
  fs.writeFileSync(path.join(dir, 'tasks', `${classes[1]}.yaml`), stringify(genClass(r, noise)));
  fs.writeFileSync(path.join(dir, 'workflows', `${tag}-inc.yaml`), stringify(genWorkflow(r, [`${tag}-main`], classes, noise)));
  const file = path.join(dir, 'workflows', `${tag}-main.yaml`);
  fs.writeFileSync(file, text);
  post({ started: i, label });
  const t0 = Date.now();
  const vars: Record<string, string> = {};
  if (r() < 0.3) vars[['n', 'flag', 'items', 'nope', 'r0.n', 'g.x', 'r1.d'][Math.floor(r() * 7)]] = ['1', 'x', '', '[1,2]', 'true', '-5'][Math.floor(r() * 6)];
  try {
    await loader.expand(`${tag}-main`, vars);
    tally('expanded');
  } catch (e) {
    check(`${label} expand`, text, e);
  }
  try {
    const d = await loader.lint(file);
    for (const x of d) if (x.code === 'INTERNAL') post({ problem: `${label} lint: ${x.message}`, text });
  } catch (e) {
    check(`${label} lint`, text, e);
  }
  const ms = Date.now() - t0;
  if (ms > 500) post({ slow: `${label}: ${ms} ms` });
}

for (let i = 0; i < count; i++) await one(i);
post({ done: count, outcomes });
