import type { Duration, DurationInput } from "./google/protobuf/duration_pb.js";

/**
 * The Duration of `ms` milliseconds (fractions down to the nanosecond kept). Seconds and nanos
 * take the sign of the whole, as google/protobuf/duration.proto requires. A non-finite number is
 * a RangeError.
 */
export function durationFromMs(ms: number): Duration {
  if (!Number.isFinite(ms)) throw new RangeError(`wkt: cannot make a Duration of ${ms} ms`);
  const seconds = Math.trunc(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1_000_000);
  return { seconds: BigInt(seconds), nanos: nanos === 0 ? 0 : nanos };
}

/** The milliseconds of a Duration, with its nanos as a fraction. */
export function durationToMs(duration: DurationInput): number {
  return Number(duration.seconds ?? 0n) * 1000 + (duration.nanos ?? 0) / 1_000_000;
}
