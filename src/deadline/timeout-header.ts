import { Code, GrpcError } from "../status/index.js";

const MAX_VALUE = 99_999_999;
const MAX_LENGTH = 9; // 8 digits and a unit

/**
 * Parses a grpc-timeout value such as "100m" into milliseconds (fractional for "u" and "n").
 *
 * Exactly 1 to 8 ASCII digits and one unit of H M S m u n, anchored (^\d{1,8}[HMSmun]$);
 * anything else is Code.Internal. Eight digits fit a double exactly, so it never overflows:
 * "99999999H" is about 11,400 years. Parsed by hand: the server does this on every call.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export function parseTimeout(value: string): number {
  const length = value.length;
  if (length < 2 || length > MAX_LENGTH) throw malformed(value);
  let amount = 0;
  for (let i = 0; i < length - 1; i++) {
    const digit = value.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) throw malformed(value);
    amount = amount * 10 + digit;
  }
  switch (value.charCodeAt(length - 1)) {
    case 0x48: // H
      return amount * 3_600_000;
    case 0x4d: // M
      return amount * 60_000;
    case 0x53: // S
      return amount * 1_000;
    case 0x6d: // m
      return amount;
    case 0x75: // u, divided rather than multiplied by 0.001 so the result is correctly rounded
      return amount / 1_000;
    case 0x6e: // n
      return amount / 1_000_000;
    default:
      throw malformed(value);
  }
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
  let amount = Math.ceil(ms * 1_000_000);
  if (amount <= MAX_VALUE) return `${amount}n`;
  if ((amount = Math.ceil(ms * 1_000)) <= MAX_VALUE) return `${amount}u`;
  if ((amount = Math.ceil(ms)) <= MAX_VALUE) return `${amount}m`;
  if ((amount = Math.ceil(ms / 1_000)) <= MAX_VALUE) return `${amount}S`;
  if ((amount = Math.ceil(ms / 60_000)) <= MAX_VALUE) return `${amount}M`;
  return `${Math.min(Math.ceil(ms / 3_600_000), MAX_VALUE)}H`;
}

function malformed(value: string): GrpcError {
  const shown = JSON.stringify(value.length > 40 ? value.slice(0, 40) + "..." : value);
  return new GrpcError(Code.Internal, `deadline: malformed grpc-timeout ${shown}: expected 1 to 8 digits and a unit of H, M, S, m, u or n`);
}
