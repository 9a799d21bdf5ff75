// baton certs init | issue | list: the cluster CA and the certificates it signs, in $BATON_HOME/pki
// (core/remote/certs/, docs/security.md "Certificates").
import type { Command } from 'commander';
import { BatonError } from '../../model/errors.js';
import { IDENTITY_KINDS, type IdentityKind } from '../../rpc/identity.js';
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
      .description('issue a certificate: `controller [NAME]`, `node NAME` or `user NAME`; replaces an earlier one of that name')
      .argument('<kind>', 'controller, node or user')
      .argument('[name]', 'the identity (baton://KIND/NAME); default for a controller: controller')
      .option('--host <host>', 'a DNS name or IP address the peer dials (repeatable)', collect, [])
      .option('--days <n>', 'validity in days', '365'),
  ).action(async (kind: string, name: string | undefined, o: { host: string[]; days: string }, cmd: Command) => {
    if (!IDENTITY_KINDS.includes(kind as IdentityKind)) {
      throw new BatonError('BAD_INPUT', `certificate kind ${JSON.stringify(kind)}: controller, node or user`, { where: 'kind' });
    }
    if (!name && kind !== 'controller') throw new BatonError('BAD_INPUT', `baton certs issue ${kind} needs a NAME`, { where: 'name' });
    const { issue } = await import('../../remote/certs/pki.js');
    const files = await issue(homeOf(cmd), kind as IdentityKind, name ?? 'controller', o.host, parseCount(o.days, '--days', 1));
    if (isJsonMode()) return printJson(files);
    out(`certificate ${files.cert}`);
    out(`key         ${files.key} (0600)`);
    out(`CA          ${files.ca}`);
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
