// The environment's channels with their live rates (the graph shows the same on its edges).
import type { ChannelGraph } from '../../../../core/rpc/gen/control.js';
import { formatByteRate, formatRate } from '../../ui/format.js';

export function ChannelsTable({ graph }: { graph?: ChannelGraph }) {
  const edges = graph?.edges ?? [];
  if (!edges.length) return <p className="muted">No channels.</p>;
  const shown = edges.slice(0, 200);
  return (
    <table className="grid compact">
      <caption>Channels{edges.length > shown.length ? ` (first ${shown.length} of ${edges.length})` : ''}</caption>
      <thead>
        <tr>
          <th scope="col">From (bind)</th>
          <th scope="col">To (connect)</th>
          <th scope="col">Type</th>
          <th scope="col">Address</th>
          <th scope="col" className="num">
            Messages
          </th>
          <th scope="col" className="num">
            Bytes
          </th>
        </tr>
      </thead>
      <tbody>
        {shown.map((e, i) => (
          <tr key={i}>
            <td className="mono">
              {e.from?.role}:{e.from?.channel}
            </td>
            <td className="mono">
              {e.to?.role}:{e.to?.channel}
            </td>
            <td>{e.type}</td>
            <td className="mono small">{e.from?.address || '–'}</td>
            <td className="num">{formatRate(e.msgRate)}</td>
            <td className="num">{formatByteRate(e.byteRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
