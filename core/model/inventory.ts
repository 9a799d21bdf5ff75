// The node inventory (nodes.yaml in the controller's configuration directory): the single source
// of truth for which machines a controller may use and how to reach them. The loader and its
// validation live in core/controller/inventory/; `baton node bootstrap` reads the same entries.

/** How `baton node bootstrap` reaches a node over ssh. */
export interface InventorySsh {
  /** login user on the node */
  user: string;
  /** sshd port (default 22) */
  port: number;
  /** private key file on the controller's machine; empty: use the ssh agent (SSH_AUTH_SOCK) */
  key: string;
  /** known_hosts file checked for the node's host key (default ~/.ssh/known_hosts) */
  knownHosts: string;
}

/** One node of nodes.yaml. */
export interface InventoryNode {
  /** the node's name: unique, [a-z0-9][a-z0-9-_.]*, the agent's identity (baton://node/NAME) */
  name: string;
  /** address the controller dials (host name or IP) and ssh connects to */
  host: string;
  /** TCP port the agent listens on for the controller (mutual TLS) */
  agentPort: number;
  /** the address the controller dials instead of host:agentPort (e.g. unix:///path for an agent on
   *  the controller's machine); absent for a remote node */
  address?: string;
  ssh: InventorySsh;
  labels: Record<string, string>;
  /** capacity offered to placement; 0: not limited */
  resources: { cpu: number; memoryBytes: number };
  /** ports handed to tasks, [from, to] */
  ports: { from: number; to: number };
  /** refuses new placements (maintenance): set by `baton node drain` */
  drained: boolean;
  /** refuses new placements, keeps running ones: set by `baton node cordon` */
  cordoned: boolean;
}

/** The whole inventory file. */
export interface Inventory {
  nodes: InventoryNode[];
}
