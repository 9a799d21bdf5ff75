// The agent's task table on disk (<agent dir>/tasks.json): what a restarted agent needs to adopt
// the tasks that kept running (pid + start time identify the process; the token lets the task's
// SDK say hello again). Written atomically (temp file + rename), mode 0600 (it holds tokens).
import * as fs from 'node:fs';

export interface PersistedTask {
  id: string;
  envId: string;
  name: string;
  control: string;
  command: string;
  pid: number;
  startTime: number;
  token: string;
  state: string;
  logPath: string;
  ports: Record<string, number>;
  addresses: Record<string, string>;
  unixPaths: string[];
  cleanupFiles: string[];
  controlExitMs: number;
  termMs: number;
}

interface FileShape {
  version: 1;
  agentPid: number;
  tasks: PersistedTask[];
}

export function readStateFile(file: string): PersistedTask[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  try {
    const data = JSON.parse(text) as FileShape;
    if (data?.version !== 1 || !Array.isArray(data.tasks)) return [];
    return data.tasks.filter((t) => t && typeof t.id === 'string' && Number.isInteger(t.pid) && t.pid > 0);
  } catch {
    return []; // a torn or foreign file: nothing to adopt
  }
}

/** Writes the file from each task's JSON (a PersistedTask each; see persistedJson in task.ts). */
export function writeStateFile(file: string, taskJson: string[]): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const head: Omit<FileShape, 'tasks'> = { version: 1, agentPid: process.pid };
  fs.writeFileSync(tmp, `${JSON.stringify(head).slice(0, -1)},"tasks":[${taskJson.join(',')}]}`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Coalesces writes: at most one every `ms`. */
export class StateWriter {
  private timer: NodeJS.Timeout | null = null;
  private written: Array<() => void> = [];
  constructor(
    private readonly file: string,
    private readonly snapshot: () => string[],
    private readonly ms = 50,
  ) {}

  /** Resolves once every change scheduled so far is on disk (at once when none is pending). */
  flushed(): Promise<void> {
    if (!this.timer) return Promise.resolve();
    return new Promise((resolve) => this.written.push(resolve));
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.writeNow();
    }, this.ms);
  }

  writeNow(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    try {
      writeStateFile(this.file, this.snapshot());
    } catch {
      // a full disk must not take the agent down; the next change tries again
    }
    const waiting = this.written;
    this.written = [];
    for (const resolve of waiting) resolve();
  }
}
