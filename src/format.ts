/** Numbers in words a person reads: sizes in B/KiB/MiB/GiB, durations in s/min. Pure. */

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${Math.max(0, Math.round(n))} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** A file's size for a report: "132 bytes", "1 byte", or "3.0 MiB, 3145745 bytes" (the exact count once it is rounded). */
export function formatSize(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) return formatBytes(n);
  const exact = `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  return n < 1024 ? exact : `${formatBytes(n)}, ${exact}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60
    ? `${m} min ${s.toString().padStart(2, '0')} s`
    : `${Math.floor(m / 60)} h ${(m % 60).toString().padStart(2, '0')} min`;
}
