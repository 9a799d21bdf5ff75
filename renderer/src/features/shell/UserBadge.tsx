// Who the console acts as: the user (and role) of the token its gateway was started with, asked of
// the controller (WhoAmI) each time the connection goes live, so a changed token shows at once.
import { useEffect, useState } from 'react';
import type { WhoAmIReply } from '../../../../core/rpc/gen/control.js';
import { call } from '../../api/client.js';
import { useConsole } from '../../store/context.js';

export function UserBadge() {
  const status = useConsole((s) => s.connection.status);
  const [me, setMe] = useState<WhoAmIReply | null>(null);
  useEffect(() => {
    if (status !== 'live') return;
    let current = true;
    call('WhoAmI', {}).then(
      (reply) => {
        if (current) setMe(reply);
      },
      () => {
        /* an older controller without WhoAmI: no badge */
      },
    );
    return () => {
      current = false;
    };
  }, [status]);
  if (!me) return null;
  return (
    <div className="user-badge" data-testid="user-badge" title={`Signed in as ${me.user} (${me.role}), by ${me.authenticatedBy || 'token'}`}>
      <span className="user-name">{me.user}</span> <span className={`user-role role-${me.role}`}>{me.role}</span>
    </div>
  );
}
