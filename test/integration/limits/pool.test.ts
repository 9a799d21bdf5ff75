// The workflow worker pool's fault paths: a job past its deadline fails with TIMEOUT naming the
// limit and its worker is replaced (the next job runs); a job's BatonError crosses as it is.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkflowPool } from '../../../core/controller/workers/pool.js';
import { BatonError } from '../../../core/model/errors.js';
import { ROOT } from '../cli/harness.js';

const pool = new WorkflowPool({ loader: { repos: [], batonRoot: ROOT }, size: 1 });
after(() => pool.close());

function bigWorkflow(roles: number): string {
  let text = 'name: big\nroles:\n';
  for (let i = 0; i < roles; i++) text += `  - name: r-${i}\n    task: {class: demo}\n`;
  return text;
}

test('a job past its deadline fails naming the limit, and the pool goes on with a fresh worker', async () => {
  const file = path.join(ROOT, 'assets', 'workflows', 'big.yaml');
  await assert.rejects(pool.run({ op: 'lint', path: file, content: bigWorkflow(20_000) }, 1), (e: BatonError) => {
    assert.equal(e.code, 'TIMEOUT');
    assert.match(e.message, /limit workflow\.time/);
    return true;
  });
  const diagnostics = (await pool.run({ op: 'lint', path: file, content: bigWorkflow(3) }, 60_000)) as { message: string }[];
  assert.ok(Array.isArray(diagnostics));
});

test('a BatonError of the workflow layer crosses the thread as it is', async () => {
  await assert.rejects(pool.run({ op: 'expand', workflow: 'no-such-workflow', vars: {}, origin: {} }, 60_000), (e: BatonError) => {
    assert.ok(e instanceof BatonError);
    assert.equal(e.code, 'NOT_FOUND');
    assert.match(e.message, /no-such-workflow/);
    return true;
  });
});
