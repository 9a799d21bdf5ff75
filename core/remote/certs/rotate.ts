// A CA rotation without a gap in trust. `baton certs rotate` makes a new CA and keeps the previous
// one beside it (pki/ca-previous.crt|.key); pki/ca-bundle.crt holds both, and every certificate
// issued from then on names the bundle as the CA to trust (issuedFiles().ca). TLS (OpenSSL under
// grpc-js, and etcd) trusts every CA of a bundle, so a controller whose certificate the old CA
// signed and an agent whose certificate the new CA signed accept each other as long as both
// trust the bundle: the sides can be re-issued one at a time (docs/security.md, "Rotating
// certificates"). `baton certs rotate --finish` ends it: the previous CA and the bundle go, and
// only the new CA is trusted; it refuses while a certificate signed by the old CA is left.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError } from '../../model/errors.js';
import { CA_DAYS, caBundleFile, caFiles, listCerts, loadCa, pkiDir, writeFile } from './pki.js';
import { makeCa } from './x509.js';

export function previousCaFiles(home: string): { cert: string; key: string } {
  return { cert: path.join(pkiDir(home), 'ca-previous.crt'), key: path.join(pkiDir(home), 'ca-previous.key') };
}

export interface Rotation {
  ca: string;
  previous: string;
  bundle: string;
}

/** Starts a rotation: a new CA, the old one kept as the previous, the bundle of both. */
export async function rotateCa(home: string, opts: { commonName?: string; days?: number } = {}): Promise<Rotation> {
  const current = loadCa(home); // NOT_FOUND without a CA: nothing to rotate
  const bundle = caBundleFile(home);
  const previous = previousCaFiles(home);
  if (fs.existsSync(bundle) || fs.existsSync(previous.cert)) {
    throw new BatonError('BAD_INPUT', `a CA rotation is under way in ${pkiDir(home)} (ca-bundle.crt): finish it first with \`baton certs rotate --finish\``, {
      where: bundle,
    });
  }
  const next = await makeCa(opts.commonName ?? `Baton cluster CA ${new Date().toISOString().slice(0, 10)}`, opts.days ?? CA_DAYS);
  const files = caFiles(home);
  // the previous CA first: a crash in between leaves both CAs on disk, never neither
  writeFile(previous.key, current.key, 0o600);
  writeFile(previous.cert, current.cert, 0o644);
  writeFile(bundle, `${next.cert.trim()}\n${current.cert.trim()}\n`, 0o644);
  writeFile(files.key, next.key, 0o600);
  writeFile(files.cert, next.cert, 0o644);
  return { ca: files.cert, previous: previous.cert, bundle };
}

/** Ends the rotation: only the new CA is trusted. Refuses (naming them) while certificates the
 *  previous CA signed are left, unless `force`. */
export function finishRotation(home: string, opts: { force?: boolean } = {}): { removed: string[]; left: string[] } {
  const bundle = caBundleFile(home);
  const previous = previousCaFiles(home);
  if (!fs.existsSync(bundle) && !fs.existsSync(previous.cert)) {
    throw new BatonError('BAD_INPUT', `no CA rotation is under way in ${pkiDir(home)}`, { where: bundle });
  }
  const left = listCerts(home)
    .filter((c) => c.identity !== 'CA' && !c.current)
    .map((c) => c.file);
  if (left.length && !opts.force) {
    throw new BatonError(
      'BAD_INPUT',
      `${left.length} certificate(s) are still signed by the previous CA: ${left.join(', ')}; re-issue them (\`baton certs issue\`, \`baton node bootstrap\`) or give --force`,
      { where: left[0]! },
    );
  }
  const removed: string[] = [];
  for (const f of [bundle, previous.cert, previous.key]) {
    if (fs.existsSync(f)) {
      fs.rmSync(f);
      removed.push(f);
    }
  }
  return { removed, left };
}
