// Test certificates made with the openssl command (as test/integration/agent/tls.test.ts does): one
// CA, and certificates for the agent, the controller and the CLI, each for localhost and 127.0.0.1.
// A second CA signs a "stranger" certificate the others must refuse.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Pem {
  cert: string;
  key: string;
  ca: string;
}
export interface Certs {
  agent: Pem;
  ctl: Pem;
  cli: Pem;
  stranger: Pem;
  dir: string;
}

export function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes the certificates into dir; returns the file paths. */
export function makeCerts(dir: string): Certs {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'other-ca']) {
    ssl('req', '-x509', ...key, '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-subj', `/CN=baton-test-${ca}`, '-days', '1');
  }
  const f = (n: string) => path.join(dir, n);
  const leaf = (name: string, cn: string, ca: string): Pem => {
    ssl('req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    fs.writeFileSync(f(`${name}.ext`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
    return { cert: f(`${name}.crt`), key: f(`${name}.key`), ca: f(`${ca}.crt`) };
  };
  return {
    dir,
    agent: leaf('agent', '127.0.0.1', 'ca'),
    ctl: leaf('ctl', 'localhost', 'ca'),
    cli: leaf('cli', 'baton-cli', 'ca'),
    // signed by another CA, and trusting that CA only
    stranger: leaf('stranger', 'localhost', 'other-ca'),
  };
}
