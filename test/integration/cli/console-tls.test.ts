// `baton console` takes the CLI's TLS options to reach a controller over mutual TLS: a partial or
// unreadable set is a usage error (exit 2) naming what is missing, before the console listens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { baton, tempHome } from './harness.js';

test('baton console refuses a partial TLS set, from flags or BATON_TLS_*, naming what is missing', async () => {
  const home = tempHome();
  try {
    const flags = await baton(home, ['console', '--controller', '127.0.0.1:1', '--tls-cert', `${home}/cli.crt`]);
    assert.equal(flags.code, 2, flags.stderr);
    assert.match(flags.stderr, /missing --tls-key, --tls-ca/);
    assert.equal(flags.stdout, '', 'nothing listens');

    const env = await baton(home, ['console', '--controller', '127.0.0.1:1'], { env: { BATON_TLS_CA: `${home}/ca.crt` } });
    assert.equal(env.code, 2, env.stderr);
    assert.match(env.stderr, /missing BATON_TLS_CERT, BATON_TLS_KEY/);

    const unreadable = await baton(home, [
      'console',
      '--controller',
      '127.0.0.1:1',
      '--tls-cert',
      `${home}/cli.crt`,
      '--tls-key',
      `${home}/cli.key`,
      '--tls-ca',
      `${home}/ca.crt`,
    ]);
    assert.equal(unreadable.code, 2, unreadable.stderr);
    assert.match(unreadable.stderr, /cannot read .*cli\.crt/);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
