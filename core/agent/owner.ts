// Which controller an agent belongs to. The controller of the agent's first session is recorded
// in <dir>/owner.json; a session from any other controller is refused (ALREADY_OWNED, naming the
// owner) unless its Welcome asks to take the agent over, which records the new owner. So a second
// controller pointed at a running agent (a wrong --home, a copy of a config) can neither end the
// owner's session nor reap the owner's tasks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BatonError } from '../model/errors.js';

interface OwnerRecord {
  controllerId: string;
  sinceMs: number;
}

export interface Claim {
  /** the controller id the agent belongs to after this session's Welcome */
  owner: string;
  /** the owner it was taken from ('' unless this session took the agent over) */
  takenFrom: string;
}

export class Ownership {
  private owner: OwnerRecord | null;
  private readonly file: string | null;

  /** dir: where owner.json lives; null keeps the owner in memory only (sim agents: their tasks
   *  do not outlive the process either) */
  constructor(
    dir: string | null,
    private readonly node: string,
  ) {
    this.file = dir ? path.join(dir, 'owner.json') : null;
    this.owner = this.file ? readOwner(this.file) : null;
  }

  current(): string {
    return this.owner?.controllerId ?? '';
  }

  /** Accepts a session of controllerId or throws the refusal; the first claim and a takeover are
   *  recorded before the Hello goes out. */
  claim(controllerId: string, takeOver: boolean): Claim {
    if (!controllerId) {
      throw new BatonError('BAD_INPUT', `agent ${this.node}: the Welcome names no controller id`, { node: this.node, where: 'welcome' });
    }
    const owner = this.owner?.controllerId ?? '';
    if (owner === controllerId) return { owner, takenFrom: '' };
    if (owner && !takeOver) {
      throw new BatonError(
        'ALREADY_OWNED',
        `agent ${this.node} belongs to controller ${owner}; controller ${controllerId} may not use it (take it over explicitly: baton node add --take-over)`,
        { node: this.node, data: { owner, refused: controllerId } },
      );
    }
    this.record({ controllerId, sinceMs: Date.now() });
    return { owner: controllerId, takenFrom: owner };
  }

  private record(r: OwnerRecord): void {
    this.owner = r;
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(r) + '\n');
    fs.renameSync(tmp, this.file);
  }
}

function readOwner(file: string): OwnerRecord | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null; // never claimed
  }
  try {
    const r = JSON.parse(text) as OwnerRecord;
    if (typeof r?.controllerId === 'string' && r.controllerId) return r;
  } catch {
    /* below */
  }
  // a damaged record must not let any controller in silently: the operator takes it over
  return { controllerId: '(unreadable owner.json)', sinceMs: 0 };
}
