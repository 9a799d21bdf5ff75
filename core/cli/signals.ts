// Foreground servers (`baton controller`, `baton agent`): run until SIGTERM or SIGINT, then stop
// cleanly; a second signal exits at once.
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.removeListener('SIGTERM', on);
      process.removeListener('SIGINT', on);
      const again = () => process.exit(130);
      process.once('SIGTERM', again);
      process.once('SIGINT', again);
      resolve(sig);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** Runs stop() but gives up after ms (a stuck stop must not keep the process alive forever). */
export async function stopWithin(stop: () => Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  const ok = await Promise.race([stop().then(() => true), timeout]);
  clearTimeout(timer);
  return ok;
}
