/** A proto3 JSON Duration: seconds with up to nine fraction digits and an "s" ("1.5s", ".1s", "0s"). */
const DURATION_PATTERN = /^(\d*)(?:\.(\d{1,9}))?s$/;

/** The largest Duration proto3 allows: 10,000 years of seconds. */
const MAX_DURATION_SECONDS = 315_576_000_000;

/**
 * Parses a service-config duration such as "1.5s" or ".1s" into milliseconds (fractions of a
 * millisecond kept). Returns undefined for anything that is not a non-negative proto3 JSON
 * Duration: the caller names the field and the rule.
 * https://protobuf.dev/programming-guides/proto3/#json
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = DURATION_PATTERN.exec(value);
  if (match === null) return undefined;
  const whole = match[1]!;
  const fraction = match[2];
  // ".s" and "s" name no number.
  if (whole === "" && fraction === undefined) return undefined;
  const seconds = whole === "" ? 0 : Number(whole);
  if (seconds > MAX_DURATION_SECONDS) return undefined;
  return seconds * 1000 + (fraction === undefined ? 0 : Number(`0.${fraction}`) * 1000);
}
