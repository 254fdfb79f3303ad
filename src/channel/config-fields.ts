/**
 * Readers for the JSON of a load-balancing policy's config (gRFC A2's `loadBalancingConfig`).
 * Each takes the path of the value in the config, so a mistake is a TypeError that names it:
 * `channel: loadBalancingConfig[0].pick_first.shuffleAddressList: must be a boolean`.
 * https://github.com/grpc/grpc/blob/master/doc/service_config.md
 */

/** A JSON object read field by field; every field it does not know is an error (a typo is never ignored). */
export type ConfigObject = Readonly<Record<string, unknown>>;

/** Throws the TypeError of an invalid config value at `path`. */
export function configError(path: string, rule: string): TypeError {
  return new TypeError(`channel: ${path}: ${rule}`);
}

/** `value` as a plain JSON object whose keys are all in `known`. */
export function configObject(value: unknown, path: string, known: readonly string[]): ConfigObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw configError(path, "must be a JSON object");
  for (const key of Object.keys(value))
    if (!known.includes(key))
      throw configError(path, `unknown field ${JSON.stringify(key)} (known: ${known.length === 0 ? "none" : known.join(", ")})`);
  return value as ConfigObject;
}

/** An optional boolean field. */
export function optionalBoolean(object: ConfigObject, key: string, path: string): boolean | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw configError(`${path}.${key}`, "must be a boolean");
  return value;
}

/** An optional unsigned integer field (a protobuf UInt32Value), at most `max`. */
export function optionalCount(object: ConfigObject, key: string, path: string, max = 0xffff_ffff): number | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max)
    throw configError(`${path}.${key}`, `must be an integer from 0 to ${max}`);
  return value;
}

/** Largest seconds value a google.protobuf.Duration holds (10,000 years). */
const MAX_DURATION_SECONDS = 315_576_000_000;

/**
 * An optional non-negative google.protobuf.Duration field in its JSON form ("10s", "0.25s",
 * "1.000000001s"), in milliseconds.
 * https://protobuf.dev/programming-guides/proto3/#json
 */
export function optionalDurationMs(object: ConfigObject, key: string, path: string): number | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  const match = typeof value === "string" ? /^(\d{1,12})(?:\.(\d{1,9}))?s$/.exec(value) : null;
  if (match === null)
    throw configError(`${path}.${key}`, `must be a non-negative duration such as "10s" or "0.5s", not ${JSON.stringify(value)}`);
  const seconds = Number(match[1]);
  if (seconds > MAX_DURATION_SECONDS) throw configError(`${path}.${key}`, `must be at most ${MAX_DURATION_SECONDS}s`);
  return seconds * 1000 + Number((match[2] ?? "").padEnd(9, "0")) / 1e6;
}
