import { Code, GrpcError } from "../status/index.js";

const TIMEOUT_PATTERN = /^(\d{1,8})([HMSmun])$/;
const MAX_VALUE = 99_999_999;

/** Milliseconds per unit for the coarse units; "u" and "n" divide instead, to stay exact. */
const MS_PER_UNIT: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1 };

/**
 * Parses a grpc-timeout value such as "100m" into milliseconds (fractional for "u" and "n").
 *
 * Exactly 1 to 8 digits and one unit of H M S m u n, anchored; anything else is Code.Internal.
 * Computed in floating point, so it never overflows: "99999999H" is about 11,400 years.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function parseTimeout(value: string): number {
  const match = TIMEOUT_PATTERN.exec(value);
  if (match === null)
    throw new GrpcError(
      Code.Internal,
      `deadline: malformed grpc-timeout ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "..." : value)}: expected 1 to 8 digits and a unit of H, M, S, m, u or n`,
    );
  const amount = Number(match[1]);
  const unit = match[2]!;
  if (unit === "u") return amount / 1_000;
  if (unit === "n") return amount / 1_000_000;
  return amount * MS_PER_UNIT[unit]!;
}

/**
 * Formats milliseconds as a grpc-timeout value: rounded up, in the finest unit whose value fits
 * in 8 digits, so the peer never sees a shorter timeout than ours.
 *
 * A non-positive (or NaN) timeout is "0n", already expired; one beyond "99999999H" is capped there.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function formatTimeout(ms: number): string {
  if (!(ms > 0)) return "0n";
  // Multiplying by 1e6 and 1e3 is exact for the small values that fit; dividing is correctly rounded.
  const candidates: [number, string][] = [
    [ms * 1_000_000, "n"],
    [ms * 1_000, "u"],
    [ms, "m"],
    [ms / 1_000, "S"],
    [ms / 60_000, "M"],
    [ms / 3_600_000, "H"],
  ];
  for (const [amount, unit] of candidates) {
    const rounded = Math.ceil(amount);
    if (rounded <= MAX_VALUE) return `${rounded}${unit}`;
  }
  return `${MAX_VALUE}H`;
}
