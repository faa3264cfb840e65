/** A size as the Settings page shows it: 1,024-based units, three significant figures (`812 KB`, `3.36 GB`). */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} bytes`;
  return `${value >= 100 ? Math.round(value) : value.toPrecision(3)} ${units[unit]}`;
}

/** A share (0–1) as a percentage with one decimal; a non-zero share under 0.1% is "< 0.1%". */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.001) return "< 0.1%";
  return `${(share * 100).toFixed(1)}%`;
}
