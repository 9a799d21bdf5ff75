// The typed Control client (core/rpc/control-client.ts) the CLI, local mode, the gateway and the
// desktop app share, against a real controller serving mutual TLS on a loopback tcp port
// (certificates from openssl): it talks with the right certificates, refuses a controller whose
// certificate the given CA did not sign with an error that says so, and its streams fail as
// BatonErrors and stay quiet once cancelled.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { BatonError } from '../../../core/model/errors.js';
import { connectControl } from '../../../core/rpc/control-client.js';
import { startController, type ControllerHandle } from '../../../core/controller/main.js';
import { tempHome, TOKEN } from '../controller/harness.js';
import { makeCerts, type Certs } from '../tls/certs.js';

describe('the typed Control client over mutual TLS', { timeout: 60_000 }, () => {
  let home = '';
  let certs: Certs;
  let ctl: ControllerHandle;

  before(async () => {
    home = tempHome();
    certs = makeCerts(home);
    ctl = await startController({ home, listen: '127.0.0.1:0', token: TOKEN, agents: [], tls: certs.ctl });
  });
  after(async () => {
    await ctl?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('calls a controller that serves mutual TLS with a certificate its CA signed', async () => {
    const c = connectControl(ctl.address, { token: TOKEN, tls: certs.cli });
    try {
      const info = await c.call('getInfo', {});
      assert.equal(info.controllerId, ctl.id);
      assert.deepEqual((await c.call('listEnvironments', {})).environments, []);
    } finally {
      c.close();
    }
  });

  it('refuses a controller whose certificate is not signed by the given CA, saying so', async () => {
    // the stranger trusts another CA only: the controller's certificate does not check out
    const c = connectControl(ctl.address, { token: TOKEN, tls: certs.stranger });
    try {
      await assert.rejects(c.call('getInfo', {}, 10_000), (e: unknown) => {
        assert.ok(e instanceof BatonError, `a BatonError, got ${String(e)}`);
        assert.equal(e.code, 'UNAVAILABLE');
        assert.equal(e.detail.where, 'tls.ca');
        assert.match(
          e.message,
          new RegExp(
            `^controller ${ctl.address.replace(/\./g, '\\.')}: its certificate is not signed by the CA given \\(--tls-ca, BATON_TLS_CA\\): .*certificate`,
          ),
        );
        return true;
      });
    } finally {
      c.close();
    }
  });

  it('without a certificate, a tcp controller serving TLS is unreachable (UNAVAILABLE), not a hang', async () => {
    const c = connectControl(ctl.address, { token: TOKEN });
    try {
      await assert.rejects(c.call('getInfo', {}, 10_000), (e: unknown) => e instanceof BatonError && (e.code === 'UNAVAILABLE' || e.code === 'TIMEOUT'));
    } finally {
      c.close();
    }
  });

  it('a bad TLS file is a BAD_INPUT naming it, before anything is dialled', () => {
    assert.throws(
      () => connectControl(ctl.address, { tls: { ...certs.cli, ca: `${home}/no-such-ca.pem` } }),
      (e: unknown) => e instanceof BatonError && e.code === 'BAD_INPUT' && /no-such-ca\.pem/.test(e.message),
    );
  });

  it("a stream fails as a BatonError with the controller's code, and says nothing once cancelled", async () => {
    const c = connectControl(ctl.address, { token: TOKEN, tls: certs.cli });
    try {
      const failure = await new Promise<BatonError>((resolve, reject) => {
        const s = c.stream('controlEnvironment', { id: 'no-such-env', transition: 'DEPLOY', timeoutMs: 0, args: {} });
        s.on('error', resolve);
        s.on('end', () => reject(new Error('the stream ended without an error')));
      });
      assert.ok(failure instanceof BatonError);
      assert.equal(failure.code, 'NOT_FOUND');

      const events: string[] = [];
      const s = c.stream('subscribe', { fromSeq: 0, envId: '', kinds: [], replayAll: true });
      s.on('error', (e) => events.push(`error ${e.code}`));
      s.on('end', () => events.push('end'));
      s.cancel();
      // a later call on the same connection round-trips after the cancel has been processed
      await c.call('getInfo', {});
      assert.deepEqual(events, []);
    } finally {
      c.close();
    }
  });
});
