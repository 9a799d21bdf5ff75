// How a hold's time reads in messages: UTC, to the second, the same in every console and log.

export function formatSince(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
