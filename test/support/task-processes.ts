// The live processes of one Baton task, found by the BATON_TASK_ID their agent gave them (their
// children inherit it): what a test checks to say that nothing of a task is left running.
import * as fs from 'node:fs';

/** pids of live (not zombie) processes whose environment has BATON_TASK_ID=`taskId` */
export function scanTaskProcesses(taskId: string): number[] {
  const needle = `BATON_TASK_ID=${taskId}\0`;
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (!environ.startsWith(needle) && !environ.includes(`\0${needle}`)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && state !== 'X') out.push(pid);
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return out;
}
