// The role of the user the console acts as (WhoAmI), asked again whenever the connection goes
// live: the Nodes page disables what that role may not do.
import { useEffect, useState } from 'react';
import { call } from '../../api/client.js';
import { useConsole } from '../../store/context.js';

export function useMyRole(): string | undefined {
  const status = useConsole((s) => s.connection.status);
  const [role, setRole] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (status !== 'live') return;
    let current = true;
    call('WhoAmI', {}).then(
      (reply) => {
        if (current) setRole(reply.role);
      },
      () => {
        /* an older controller without WhoAmI: actions stay disabled */
      },
    );
    return () => {
      current = false;
    };
  }, [status]);
  return role;
}
