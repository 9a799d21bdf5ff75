// baton certs init | issue | list: the cluster CA and the certificates it signs, in $BATON_HOME/pki
// (core/remote/certs/, docs/security.md "Certificates").
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import type { CertKind } from '../../remote/certs/pki.js';
import { collect, parseCount } from '../args.js';
import { homeOf } from '../context.js';
import { fmtTime, isJsonMode, out, printJson, table, withJson } from '../output.js';

export function register(program: Command): void {
  const certs = program.command('certs').description('the cluster CA and the certificates it signs ($BATON_HOME/pki)');

  certs
    .command('init')
    .description('make the cluster CA (pki/ca.crt, pki/ca.key); refuses when one exists')
    .option('--days <n>', 'validity in days', '3650')
    .action(async (o: { days: string }, cmd: Command) => {
      const { initCa } = await import('../../remote/certs/pki.js');
      const files = await initCa(homeOf(cmd), { days: parseCount(o.days, '--days', 1) });
      out(`CA ${files.cert} (key ${files.key}, 0600)`);
    });

  withJson(
    certs
      .command('issue')
      .description(
        'issue a certificate: `controller [NAME]`, `node NAME`, `user NAME`, or `etcd NAME --host H` (an etcd member serving TLS); replaces an earlier one of that name',
      )
      .argument('<kind>', 'controller, node, user or etcd')
      .argument('[name]', 'the identity (baton://KIND/NAME); default for a controller: controller')
      .option('--host <host>', 'a DNS name or IP address the peer dials (repeatable)', collect, [])
      .option('--days <n>', 'validity in days', '365'),
  ).action(async (kind: string, name: string | undefined, o: { host: string[]; days: string }, cmd: Command) => {
    const { issue, CERT_KINDS } = await import('../../remote/certs/pki.js');
    if (!CERT_KINDS.includes(kind as CertKind)) {
      throw new BatonError('BAD_INPUT', `certificate kind ${JSON.stringify(kind)}: controller, node, user or etcd`, { where: 'kind' });
    }
    if (!name && kind !== 'controller') throw new BatonError('BAD_INPUT', `baton certs issue ${kind} needs a NAME`, { where: 'name' });
    const files = await issue(homeOf(cmd), kind as CertKind, name ?? 'controller', o.host, parseCount(o.days, '--days', 1));
    if (isJsonMode()) return printJson(files);
    out(`certificate ${files.cert}`);
    out(`key         ${files.key} (0600)`);
    out(`CA          ${files.ca}`);
  });

  withJson(
    certs
      .command('rotate')
      .description(
        'start a CA rotation: a new CA, the old one kept, pki/ca-bundle.crt trusted by both (re-issue and restart each side in turn); --finish ends it',
      )
      .option('--finish', 'end the rotation: drop the previous CA and the bundle (refused while a certificate it signed is left)')
      .option('--force', 'with --finish: even when certificates of the previous CA are left (they stop being trusted)')
      .option('--days <n>', 'validity of the new CA in days', '3650'),
  ).action(async (o: { finish?: boolean; force?: boolean; days: string }, cmd: Command) => {
    const { finishRotation, rotateCa } = await import('../../remote/certs/rotate.js');
    if (o.force && !o.finish) throw new BatonError('BAD_INPUT', '--force goes with --finish', { where: '--force' });
    if (o.finish) {
      const done = finishRotation(homeOf(cmd), { force: o.force });
      if (isJsonMode()) return printJson(done);
      out(`rotation finished: removed ${done.removed.join(', ')}`);
      if (done.left.length) out(`no longer trusted (forced): ${done.left.join(', ')}`);
      return;
    }
    const r = await rotateCa(homeOf(cmd), { days: parseCount(o.days, '--days', 1) });
    if (isJsonMode()) return printJson(r);
    out(`new CA      ${r.ca}`);
    out(`previous CA ${r.previous}`);
    out(`trust       ${r.bundle} (both): give it as --tls-ca everywhere, then re-issue each side (docs/security.md, "Rotating certificates")`);
  });

  withJson(certs.command('list').alias('ls').description('the CA and the certificates issued: subject, identity, hosts, expiry')).action(
    async (_o, cmd: Command) => {
      const { listCerts } = await import('../../remote/certs/pki.js');
      const rows = listCerts(homeOf(cmd));
      if (isJsonMode()) return printJson(rows);
      out(
        table(
          ['IDENTITY', 'SUBJECT', 'HOSTS', 'EXPIRES', 'FILE'],
          rows.map((r) => [
            r.current ? r.identity : `${r.identity} (NOT signed by the current CA)`,
            r.subject,
            r.hosts.join(',') || '-',
            `${fmtTime(r.notAfterMs)}${r.notAfterMs < Date.now() ? ' EXPIRED' : ''}`,
            r.file,
          ]),
        ),
      );
    },
  );
}
