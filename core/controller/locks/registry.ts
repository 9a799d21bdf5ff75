// In memory: who holds an environment (EnvRuntime.hold, written to the store: HOLDS_MIGRATION),
// and what environments claim exclusively (the registry below, filled before a new environment is
// stored so that two creates cannot both pass; rebuilt from the stored expanded workflows at restore).

export interface Hold {
  holder: string;
  sinceMs: number;
  /** why it was taken over ('' for its creator, or when the first driver of a free one took it) */
  reason: string;
}

/** What one environment claims: detector names and node names (its selector resolved at create). */
export interface Claim {
  envId: string;
  envName: string;
  /** who created it (the holder, when the environment has none any more) */
  creator: string;
  detectors: Set<string>;
  nodes: Set<string>;
}

export class ClaimRegistry {
  private readonly byEnv = new Map<string, Claim>();

  set(claim: Claim): void {
    this.byEnv.set(claim.envId, claim);
  }

  delete(envId: string): void {
    this.byEnv.delete(envId);
  }

  get(envId: string): Claim | undefined {
    return this.byEnv.get(envId);
  }

  all(): IterableIterator<Claim> {
    return this.byEnv.values();
  }

  /** the claim of another environment than `envId` on this node, if any */
  nodeClaimedByOther(node: string, envId: string): Claim | undefined {
    for (const c of this.byEnv.values()) if (c.envId !== envId && c.nodes.has(node)) return c;
    return undefined;
  }
}
