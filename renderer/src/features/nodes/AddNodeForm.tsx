// Add a node (admin): the agent's address and the name the inventory keeps it under, confirmed
// before the controller dials it and writes nodes.yaml.
import { useState } from 'react';
import { ConfirmDialog } from '../../ui/Dialog.js';

export function AddNodeForm({ allowed, onAdd }: { allowed: boolean; onAdd(address: string, name: string): void }) {
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [asking, setAsking] = useState(false);
  return (
    <form
      className="node-add"
      aria-label="Add a node"
      onSubmit={(e) => {
        e.preventDefault();
        if (address.trim()) setAsking(true);
      }}
    >
      <label>
        Agent address
        <input value={address} onChange={(e) => setAddress(e.target.value)} placeholder="host:port or unix:///path" disabled={!allowed} />
      </label>
      <label>
        Node name
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="the agent's own" disabled={!allowed} />
      </label>
      <button type="submit" disabled={!allowed || !address.trim()} title={allowed ? undefined : 'an admin may add a node'}>
        Add node
      </button>
      {asking ? (
        <ConfirmDialog
          title={`Add ${name.trim() || address.trim()}?`}
          confirmLabel="Add"
          body={<p>The controller dials {address.trim()} and keeps the node in its inventory (nodes.yaml); new environments may be placed on it.</p>}
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            onAdd(address.trim(), name.trim());
            setAddress('');
            setName('');
          }}
        />
      ) : null}
    </form>
  );
}
