// The full log disk of a training stack: a real tmpfs where the machine allows a mount (CI runs as
// root in its container, as the chaos suite's full-disk fault does), and a refusal that says why
// where the mount cannot be made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BatonError } from '../../../core/model/errors.js';
import { fillLogDisk, freeLogDisk, logDiskUnavailable, unmountLogDisk } from '../../../core/training/log-disk.js';

test('a refused mount fails with PERMISSION_DENIED naming the folder and why, and writes nothing', () => {
  const missing = path.join(os.tmpdir(), `baton-no-such-${process.pid}`, 'logs');
  assert.throws(
    () => fillLogDisk(missing),
    (e: unknown) => e instanceof BatonError && e.code === 'PERMISSION_DENIED' && e.message.includes(missing) && /mount was refused: .+/.test(e.message),
  );
  assert.equal(fs.existsSync(missing), false);
});

test('filled, a log written there fails with ENOSPC; freed, it is written; unmounted, the folder is as before', (t) => {
  const why = logDiskUnavailable();
  if (why) {
    // not root: the run refuses such a walkthrough with this reason (what a trainer reads)
    assert.match(why, /needs root/);
    t.diagnostic(`no mount here: ${why}`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-logdisk-'));
  fs.writeFileSync(path.join(dir, 'before.log'), 'kept\n');
  try {
    const written = fillLogDisk(dir, '256k');
    assert.ok(written > 200 * 1024, `${written} bytes filled`);
    assert.equal(fs.existsSync(path.join(dir, 'before.log')), false, 'the tmpfs hides the folder');
    assert.throws(() => fs.appendFileSync(path.join(dir, 'task.log'), 'a line\n'), /ENOSPC/);
    freeLogDisk(dir);
    fs.appendFileSync(path.join(dir, 'task.log'), 'a line\n');
  } finally {
    unmountLogDisk(dir);
  }
  assert.equal(fs.readFileSync(path.join(dir, 'before.log'), 'utf8'), 'kept\n');
  fs.rmSync(dir, { recursive: true, force: true });
});
