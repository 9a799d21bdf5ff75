// `baton node add --take-over` and `baton controller --agent-loss-grace` through the real CLI: an
// agent that belongs to another controller is shown REFUSED naming it (exit 1) and taken over only
// with the flag; a bad grace exits 2 naming the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { baton, tempHome } from './harness.js';
import { startAgent } from '../../../core/agent/main.js';
import { startController } from '../../../core/controller/main.js';

const TOKEN = 'cli-takeover-token';

test('node add: REFUSED naming the owner without --take-over; taken over with it', async (t) => {
  const home = tempHome();
  const agent = await startAgent({ name: 'moved', home, listen: `unix://${home}/moved.sock`, token: TOKEN, labels: {}, portRange: [24100, 24199] });
  const homeA = path.join(home, 'a');
  const homeB = path.join(home, 'b');
  const a = await startController({ home: homeA, listen: `unix://${home}/a.sock`, token: TOKEN, agents: [agent.address] });
  const b = await startController({ home: homeB, listen: `unix://${home}/b.sock`, token: TOKEN });
  t.after(async () => {
    await b.stop();
    await a.stop();
    await agent.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });
  const env = { BATON_CONTROLLER: b.address, BATON_TOKEN: TOKEN };
  const refused = await baton(home, ['node', 'add', agent.address], { env });
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stdout, new RegExp(`node moved REFUSED: agent moved belongs to controller ${a.id}`));
  const list = await baton(home, ['node', 'list'], { env });
  assert.match(list.stdout, /moved\s+REFUSED/);

  const taken = await baton(home, ['node', 'add', agent.address, '--take-over'], { env });
  assert.equal(taken.code, 0, taken.stdout + taken.stderr);
  assert.match(taken.stdout, /node moved up at /);
  const json = JSON.parse((await baton(home, ['node', 'list', '--json'], { env })).stdout) as { name: string; up: boolean; refused: string | null }[];
  assert.deepEqual(
    json.map((n) => [n.name, n.up, n.refused]),
    [['moved', true, null]],
  );
});

test('a bad --agent-loss-grace exits 2 naming it', async () => {
  const home = tempHome();
  try {
    for (const [value, re] of [
      ['soon', /--agent-loss-grace "soon": expected a duration/],
      ['25h', /agent-loss grace 90000000/],
    ] as [string, RegExp][]) {
      const r = await baton(home, ['controller', '--listen', `unix://${home}/c.sock`, '--agent-loss-grace', value]);
      assert.equal(r.code, 2, `${value}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, re);
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
