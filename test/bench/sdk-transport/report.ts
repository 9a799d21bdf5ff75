// What a candidate task tells the runner (sdk-transport.ts), one JSON line on stdout per point:
// its cpu since the process started (user + system, ms) and the wall clock (ms since the epoch,
// sub-ms), so that the runner can take the wall time from before its spawn.
export function report(point: 'welcome' | 'first' | 'exit'): void {
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ point, cpuMs: (cpu.user + cpu.system) / 1000, at: performance.timeOrigin + performance.now() })}\n`);
}
