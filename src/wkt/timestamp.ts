import type { Timestamp, TimestampInput } from "./google/protobuf/timestamp_pb.js";

/**
 * The Timestamp of a Date: whole seconds since the epoch (rounded down) and the rest in nanos,
 * 0 to 999,999,999 as google/protobuf/timestamp.proto requires. An invalid Date is a RangeError.
 */
export function timestampFromDate(date: Date): Timestamp {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("wkt: cannot make a Timestamp of an invalid Date");
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/** The Date of a Timestamp (millisecond precision: nanos below a millisecond are dropped). */
export function timestampToDate(timestamp: TimestampInput): Date {
  return new Date(Number(timestamp.seconds ?? 0n) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1_000_000));
}

/** The Timestamp of now. */
export function timestampNow(): Timestamp {
  return timestampFromDate(new Date());
}
