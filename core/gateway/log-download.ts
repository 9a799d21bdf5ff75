// Download of a task's whole log: the gateway reads it from the controller (which reads it from
// the task's agent) page by page by position and streams it to the browser as a file, so neither
// the browser nor the gateway holds the log, and the file is complete whatever the viewer loaded.
import type { ServerResponse } from 'node:http';
import { BatonError, toBatonError } from '../model/errors.js';
import type { ControlConnection } from '../rpc/control-client.js';
import { TaskLogsRequest } from '../rpc/gen/control.js';
import type { LogChunk } from '../rpc/gen/common.js';
import { sendError } from './http.js';

const PAGE_LINES = 10_000;

function page(client: ControlConnection, taskId: string, from: number): Promise<{ lines: string[]; next: number; more: boolean }> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let next = from;
    let more = false;
    const s = client.stream('taskLogs', TaskLogsRequest.fromPartial({ taskId, hasFrom: true, fromPosition: from, limit: PAGE_LINES }), { timeoutMs: 60_000 });
    s.on('data', (c: LogChunk) => {
      lines.push(...c.lines);
      next = c.offset;
      if (c.truncated) more = true;
    });
    s.on('error', reject);
    s.on('end', () => resolve({ lines, next, more }));
  });
}

function fileName(taskId: string): string {
  return `${taskId.replace(/[^\w.-]+/g, '_')}.log`;
}

export async function downloadTaskLog(client: ControlConnection, res: ServerResponse, url: URL): Promise<void> {
  const taskId = url.searchParams.get('task') ?? '';
  try {
    if (!taskId) throw new BatonError('BAD_INPUT', 'which task? ?task=<id> is missing', { where: 'task' });
    let first = await page(client, taskId, 0);
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName(taskId)}"`,
      'Cache-Control': 'no-store',
    });
    for (;;) {
      if (first.lines.length && !res.write(`${first.lines.join('\n')}\n`)) await new Promise((r) => res.once('drain', r));
      if (!first.more || first.next <= 0) break;
      first = await page(client, taskId, first.next);
    }
    res.end();
  } catch (e) {
    if (!res.headersSent) sendError(res, toBatonError(e));
    else res.destroy(); // the file would be incomplete: the browser shows a failed download
  }
}
