// baton event-sinks: the controller's event sinks (NATS, webhooks) and how far behind each is,
// from GetInfo (docs/event-sinks.md).
import type { Command } from 'commander';
import { withControl } from '../context.js';
import { fmtAge, isJsonMode, out, printJson, table, withJson } from '../output.js';

export function register(program: Command): void {
  withJson(program.command('event-sinks').description("the controller's event sinks (NATS, webhooks): state, delivered seq, lag, last error")).action(
    async (_o, cmd: Command) => {
      await withControl(cmd, async (c) => {
        const infoReply = await c.call('getInfo', {});
        const sinks = infoReply.eventSinks;
        if (isJsonMode()) {
          printJson({ lastEventSeq: infoReply.lastEventSeq, sinks });
          return;
        }
        if (!sinks.length) {
          out('no event sinks configured (baton controller --event-sinks <file>)');
          return;
        }
        out(
          table(
            ['NAME', 'KIND', 'TARGET', 'STATE', 'DELIVERED', 'LAG', 'SINCE', 'LAST ERROR'],
            sinks.map((s) => [
              s.name,
              s.kind,
              s.target,
              s.state,
              s.deliveredSeq,
              s.lag,
              s.state === 'down' && s.downSinceMs ? `down ${fmtAge(s.downSinceMs)}` : s.lastDeliveredMs ? fmtAge(s.lastDeliveredMs) : '-',
              s.lastError || '-',
            ]),
          ),
        );
      });
    },
  );
}
