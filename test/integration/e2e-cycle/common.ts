// Shapes of the CLI's --json documents and small helpers for the end-to-end tests.
import * as fs from 'node:fs';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { localStack, type LocalStack } from '../cli/harness.js';

export interface TaskDoc {
  id: string;
  name: string;
  role: string;
  state: string;
  node: string | null;
  pid: number | null;
  critical: boolean;
  lost: boolean;
}

export interface EnvDoc {
  id: string;
  state: string;
  runNumber: number | null;
  workflow: string;
  tasks: TaskDoc[];
  error: { code: string; message: string; taskName?: string; taskId?: string; node?: string } | null;
}

export interface RunDoc {
  runNumber: number;
  envId: string;
  state: string;
  stoppedMs: number | null;
}

/** Environment state -> the state its tasks are in. */
export const TASK_STATE_FOR: Record<string, string> = {
  DEPLOYED: 'STANDBY',
  CONFIGURED: 'CONFIGURED',
  RUNNING: 'RUNNING',
};

export function alive(pid: number | null): boolean {
  if (!pid) return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export function show(stack: LocalStack, id: string): Promise<EnvDoc> {
  return stack.json<EnvDoc>(['env', 'show', id]);
}

export function task(env: EnvDoc, name: string): TaskDoc {
  const t = env.tasks.find((x) => x.name === name);
  if (!t) throw new Error(`no task ${name} in ${env.id}: ${env.tasks.map((x) => x.name).join(', ')}`);
  return t;
}

/** Ids and states of every environment: to check that a refused request changed nothing. */
export async function envSnapshot(stack: LocalStack): Promise<string> {
  const envs = await stack.json<EnvDoc[]>(['env', 'list']);
  return envs
    .map((e) => `${e.id}:${e.state}:${e.runNumber}`)
    .sort()
    .join(' ');
}

export async function control(stack: LocalStack, id: string, transition: string): Promise<void> {
  const r = await stack.run(['env', 'control', id, transition, '--timeout', '60s'], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${transition} on ${id} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
}

/**
 * One local stack (2 agents) shared by the tests of a describe block: started before them, and
 * brought down after them, asserting that `local down` leaves no process (`why` says which).
 */
export function sharedStack(why: string): () => LocalStack {
  let stack: LocalStack | undefined;
  before(async () => {
    stack = await localStack(['--agents', '2']);
  });
  after(async () => {
    if (!stack) return;
    const { result, left } = await stack.down();
    fs.rmSync(stack.home, { recursive: true, force: true });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(left, [], why);
  });
  return () => {
    if (!stack) throw new Error('the local stack did not start');
    return stack;
  };
}
