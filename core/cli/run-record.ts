// `baton run show`: a run's record as text. The configuration snapshot is summarized (workflow,
// repo and revision, vars, excluded roles, the rendered workflow's size) unless asked for whole
// (--config: the controller then sends the rendered workflow too).
import type { Run, RunConfig } from '../rpc/gen/control.js';
import { fmtDuration, fmtTime } from './output.js';
import { summaryLines } from './run-summary.js';

function configLines(c: RunConfig, whole: boolean): string[] {
  const lines = [`configuration:`];
  lines.push(`  workflow   ${c.workflow}${c.file && c.file !== c.workflow ? ` (${c.file})` : ''}`);
  lines.push(`  repo       ${c.repo || '-'}${c.revision ? ` @ ${c.revision}` : ''}`);
  const given = Object.entries(c.vars);
  lines.push(`  vars       ${given.length ? given.map(([k, v]) => `${k}=${v}`).join(' ') : '(defaults)'}`);
  if (c.excludedRoles.length) lines.push(`  excluded   ${c.excludedRoles.join(', ')}`);
  if (whole) {
    lines.push('  vars in force:');
    for (const l of JSON.stringify(c.varsInForceJson ? JSON.parse(c.varsInForceJson) : {}, null, 2).split('\n')) lines.push(`    ${l}`);
    lines.push('  rendered workflow:');
    for (const l of JSON.stringify(c.renderedJson ? JSON.parse(c.renderedJson) : null, null, 2).split('\n')) lines.push(`    ${l}`);
  } else {
    lines.push(`  rendered   ${c.tasks} task(s), ${c.hooks} hook(s), ${c.channels} channel(s)  (--config prints it whole)`);
  }
  return lines;
}

export function renderRunRecord(r: Run, opts: { wholeConfig: boolean; now?: number }): string {
  const now = opts.now ?? Date.now();
  const lines: string[] = [];
  lines.push(`run ${r.runNumber}  ${r.state}${r.runType ? `  ${r.runType}` : ''}`);
  lines.push(`  environment ${r.envName || r.workflow} (${r.envId})`);
  lines.push(`  workflow    ${r.workflow}`);
  lines.push(`  detectors   ${r.detectors.length ? r.detectors.join(', ') : '-'}`);
  lines.push(`  started     ${fmtTime(r.startedMs)}${r.startedBy ? ` by ${r.startedBy}` : ''}`);
  if (r.stoppedMs) lines.push(`  stopped     ${fmtTime(r.stoppedMs)}${r.stoppedBy ? ` by ${r.stoppedBy}` : ''}`);
  lines.push(`  duration    ${fmtDuration((r.stoppedMs || now) - r.startedMs)}${r.stoppedMs ? '' : ' (open)'}`);
  lines.push(`  end reason  ${r.endReason || (r.stoppedMs ? '-' : '(open)')}`);
  lines.push(`  tasks       ${r.tasks}`);
  if (r.summary) lines.push(...summaryLines(r.summary));
  if (r.config) lines.push(...configLines(r.config, opts.wholeConfig));
  lines.push(r.comments.length ? 'comments:' : 'comments: none');
  for (const c of r.comments) lines.push(`  ${fmtTime(c.timeMs)}  ${c.user}: ${c.text}`);
  return lines.join('\n');
}
