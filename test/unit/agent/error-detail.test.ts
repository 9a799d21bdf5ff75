// The agent's ErrorDetail builder (updates.ts errorDetail) makes, field for field and byte for
// byte, the message the generic conversion (rpc/errors.ts detailToProto, ts-proto's fromPartial)
// makes: a field added to ErrorDetail and not to the builder fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorDetail } from '../../../core/agent/updates.js';
import { detailToProto } from '../../../core/rpc/errors.js';
import { ErrorDetail } from '../../../core/rpc/gen/common.js';
import type { ErrorDetailLike } from '../../../core/model/errors.js';

test('errorDetail builds the same message as detailToProto, for every field set or not', () => {
  const every: Omit<ErrorDetailLike, 'code' | 'message'> = {
    envId: 'env-1',
    taskId: 'env-1/a',
    taskName: 'a',
    node: 'node-1',
    exitCode: 3,
    signal: 'SIGKILL',
    lastLines: ['one', 'two'],
    where: 'tasks/a.yaml',
    transition: 'EXIT',
    causes: [{ code: 'TIMEOUT', message: 'late', node: 'node-2' }],
    data: { killed: 'true', reason: 'destroy' },
  };
  const cases: Omit<ErrorDetailLike, 'code' | 'message'>[] = [
    {},
    every,
    // as a killed task's exit is reported: fields present but undefined
    { envId: 'env-1', taskId: 'env-1/a', exitCode: undefined, signal: undefined, lastLines: [], data: { killed: 'true' } },
  ];
  for (const fields of cases) {
    const built = errorDetail('TASK_FAILED', 'task a exited (killed by SIGTERM)', fields);
    const converted = detailToProto({ code: 'TASK_FAILED', message: 'task a exited (killed by SIGTERM)', ...fields });
    assert.deepEqual(built, converted);
    assert.deepEqual(Buffer.from(ErrorDetail.encode(built).finish()), Buffer.from(ErrorDetail.encode(converted).finish()));
  }
  assert.deepEqual(Object.keys(errorDetail('TASK_FAILED', 'y')).sort(), Object.keys(ErrorDetail.fromPartial({})).sort(), 'every field of the message');
});
