const UNITS = ["KiB", "MiB", "GiB"] as const;

/**
 * A byte count for a message: exact, with the binary unit it rounds to from 1 KiB on, so a limit
 * reads at a glance and still says exactly: "5242880 bytes (5 MiB)", "1500 bytes (1.5 KiB)".
 */
export function describeBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${bytes} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length) {
    value /= 1024;
    unit++;
  }
  const shown = value >= 100 || Number.isInteger(value) ? Math.round(value) : Math.round(value * 10) / 10;
  return `${bytes} bytes (${shown} ${UNITS[unit - 1]})`;
}
