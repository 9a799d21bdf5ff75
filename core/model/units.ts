// Sizes and cpu for people, in messages: cores rounded to what a person reads (0.25, 1.5, 12),
// bytes in binary units (512 MiB, 1.5 GiB). Used where the controller explains a placement.

/** cores to at most two decimals, without trailing zeros: 1.5, 0.25, 12 */
export function formatCores(cores: number): string {
  if (!Number.isFinite(cores)) return String(cores);
  const n = Math.round(cores * 100) / 100;
  return `${n} core${n === 1 ? '' : 's'}`;
}

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** bytes in binary units with at most one decimal: 512 MiB, 1.5 GiB, 0 B */
export function formatBinaryBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < BINARY.length - 1) {
    v /= 1024;
    i++;
  }
  const shown = i === 0 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
  return `${shown} ${BINARY[i]}`;
}
