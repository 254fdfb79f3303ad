/**
 * Timestamp and Duration text (proto3 JSON): RFC 3339 "1972-01-01T10:00:20.021Z" and "1.5s",
 * with 0, 3, 6 or 9 fractional digits on output. Functions return a problem string instead of
 * throwing, so the caller names the field.
 * https://protobuf.dev/programming-guides/proto3/#json
 */

/** 0001-01-01T00:00:00Z, the first second a Timestamp may hold. */
export const TIMESTAMP_MIN_SECONDS = -62_135_596_800;
/** 9999-12-31T23:59:59Z, the last second a Timestamp may hold. */
export const TIMESTAMP_MAX_SECONDS = 253_402_300_799;
/** ±10,000 years, the range of a Duration in seconds. */
export const DURATION_MAX_SECONDS = 315_576_000_000;

const TIMESTAMP =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))$/;
const DURATION = /^(-?)([0-9]+)(?:\.([0-9]{1,9}))?s$/;

/** "", ".123", ".123456" or ".123456789": the fewest of 0/3/6/9 digits that hold `nanos` (0..999999999). */
function fractionText(nanos: number): string {
  if (nanos === 0) return "";
  const digits = `${nanos}`.padStart(9, "0");
  if (nanos % 1_000_000 === 0) return `.${digits.slice(0, 3)}`;
  if (nanos % 1_000 === 0) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

/** RFC 3339 text of a Timestamp, or a problem when out of range. */
export function formatTimestamp(seconds: bigint, nanos: number): string | { problem: string } {
  if (seconds < BigInt(TIMESTAMP_MIN_SECONDS) || seconds > BigInt(TIMESTAMP_MAX_SECONDS))
    return { problem: `seconds ${seconds} is outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z` };
  if (nanos < 0 || nanos > 999_999_999) return { problem: `nanos ${nanos} is outside 0..999999999` };
  const iso = new Date(Number(seconds) * 1000).toISOString(); // "YYYY-MM-DDTHH:MM:SS.000Z"
  return `${iso.slice(0, 19)}${fractionText(nanos)}Z`;
}

/** Seconds and nanos of RFC 3339 text (any offset, 1 to 9 fractional digits), or a problem. */
export function parseTimestamp(text: string): { seconds: bigint; nanos: number } | { problem: string } {
  const parts = TIMESTAMP.exec(text);
  if (parts === null) return { problem: `expected an RFC 3339 timestamp such as "1972-01-01T10:00:20.021Z"` };
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return { problem: `${JSON.stringify(text)} is not a valid date and time` };
  let seconds = Math.floor(date.getTime() / 1000);
  if (parts[8] !== undefined) {
    const offsetHours = Number(parts[9]);
    const offsetMinutes = Number(parts[10]);
    if (offsetHours > 23 || offsetMinutes > 59) return { problem: `${JSON.stringify(text)} has an invalid UTC offset` };
    const offset = (offsetHours * 60 + offsetMinutes) * 60;
    seconds += parts[8] === "+" ? -offset : offset;
  }
  if (seconds < TIMESTAMP_MIN_SECONDS || seconds > TIMESTAMP_MAX_SECONDS)
    return { problem: `${JSON.stringify(text)} is outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59Z` };
  const nanos = parts[7] === undefined ? 0 : Number(parts[7].padEnd(9, "0"));
  return { seconds: BigInt(seconds), nanos };
}

/** "1.5s" text of a Duration, or a problem when out of range or the signs disagree. */
export function formatDuration(seconds: bigint, nanos: number): string | { problem: string } {
  if (seconds < -BigInt(DURATION_MAX_SECONDS) || seconds > BigInt(DURATION_MAX_SECONDS))
    return { problem: `seconds ${seconds} is outside ±${DURATION_MAX_SECONDS}` };
  if (nanos < -999_999_999 || nanos > 999_999_999) return { problem: `nanos ${nanos} is outside ±999999999` };
  if ((seconds > 0n && nanos < 0) || (seconds < 0n && nanos > 0))
    return { problem: `seconds ${seconds} and nanos ${nanos} have different signs` };
  const negative = seconds < 0n || nanos < 0;
  const magnitude = seconds < 0n ? -seconds : seconds;
  return `${negative ? "-" : ""}${magnitude}${fractionText(Math.abs(nanos))}s`;
}

/** Seconds and nanos (same sign) of "1.5s" text, or a problem. */
export function parseDuration(text: string): { seconds: bigint; nanos: number } | { problem: string } {
  const parts = DURATION.exec(text);
  if (parts === null) return { problem: `expected a duration such as "1.5s", got ${JSON.stringify(text)}` };
  const negative = parts[1] === "-";
  const magnitude = parts[2]!.length > 15 ? Number.POSITIVE_INFINITY : Number(parts[2]);
  if (magnitude > DURATION_MAX_SECONDS) return { problem: `${JSON.stringify(text)} is outside ±${DURATION_MAX_SECONDS}s` };
  const fraction = parts[3] === undefined ? 0 : Number(parts[3].padEnd(9, "0"));
  return { seconds: BigInt(negative ? -magnitude : magnitude), nanos: negative && fraction !== 0 ? -fraction : fraction };
}
