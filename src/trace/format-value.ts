/** How many bytes of a message or a binary value the tracer shows in hex. */
export const HEX_PREVIEW_BYTES = 32;

/** Longest text a decoded message takes on a trace line before it is cut with "…". */
const MAX_TEXT = 600;
const MAX_DEPTH = 6;
const MAX_ITEMS = 32;

/** The first `max` bytes in lowercase hex, with "…" when there are more. */
export function hexPreview(bytes: Uint8Array, max = HEX_PREVIEW_BYTES): string {
  let text = "";
  const shown = Math.min(bytes.length, max);
  for (let i = 0; i < shown; i++) text += (bytes[i]! < 16 ? "0" : "") + bytes[i]!.toString(16);
  return shown < bytes.length ? `${text}…` : text;
}

/**
 * A decoded message (or any value) as one line of text, safe for everything a codec produces:
 * bigints print as `12n`, bytes as `<bytes 3: 0a0b0c>`, protobufjs Longs as their decimal value,
 * Maps and Sets by their entries, cycles as `[cycle]`; deep or long values are cut with "…".
 */
export function formatValue(value: unknown): string {
  const text = formatInner(value, 0, new Set());
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function formatInner(value: unknown, depth: number, seen: Set<object>): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "bigint":
      return `${value}n`;
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "boolean":
    case "undefined":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return "[function]";
  }
  if (value === null) return "null";
  const object = value as object;
  if (object instanceof Uint8Array) return `<bytes ${object.length}${object.length === 0 ? "" : `: ${hexPreview(object)}`}>`;
  if (isLong(object)) return String(object);
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? "Invalid Date" : object.toISOString();
  if (seen.has(object)) return "[cycle]";
  if (depth >= MAX_DEPTH) return Array.isArray(object) ? "[…]" : "{…}";
  seen.add(object);
  try {
    if (Array.isArray(object)) return `[${items(object, (item) => formatInner(item, depth + 1, seen))}]`;
    if (object instanceof Map)
      return `Map {${items([...object], ([key, item]) => `${formatInner(key, depth + 1, seen)} => ${formatInner(item, depth + 1, seen)}`)}}`;
    if (object instanceof Set) return `Set {${items([...object], (item) => formatInner(item, depth + 1, seen))}}`;
    const entries = Object.entries(object).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return "{}";
    return `{ ${items(entries, ([key, item]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: ${formatInner(item, depth + 1, seen)}`)} }`;
  } finally {
    seen.delete(object);
  }
}

function items<T>(list: readonly T[], format: (item: T) => string): string {
  const shown = list.slice(0, MAX_ITEMS).map(format);
  if (list.length > MAX_ITEMS) shown.push(`… ${list.length - MAX_ITEMS} more`);
  return shown.join(", ");
}

/**
 * A value turned into what JSON.stringify can write without throwing or losing data: bigints and
 * Longs become decimal strings, bytes a hex string (the first 32 bytes, then "…"), Maps objects,
 * Sets arrays, cycles "[cycle]".
 */
export function toJsonValue(value: unknown, depth = 0, seen: Set<object> = new Set()): unknown {
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "string":
    case "boolean":
      return value;
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (object instanceof Uint8Array) return hexPreview(object);
  if (isLong(object)) return String(object);
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
  if (seen.has(object)) return "[cycle]";
  if (depth >= MAX_DEPTH) return "…";
  seen.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => toJsonValue(item, depth + 1, seen) ?? null);
    if (object instanceof Set) return [...object].map((item) => toJsonValue(item, depth + 1, seen) ?? null);
    const result: Record<string, unknown> = {};
    const entries: [unknown, unknown][] = object instanceof Map ? [...object] : Object.entries(object);
    for (const [key, item] of entries) {
      const converted = toJsonValue(item, depth + 1, seen);
      if (converted !== undefined) result[String(key)] = converted;
    }
    return result;
  } finally {
    seen.delete(object);
  }
}

/** A protobufjs Long (or the `long` package's): low and high halves and an `unsigned` flag. */
function isLong(object: object): boolean {
  const candidate = object as { low?: unknown; high?: unknown; unsigned?: unknown };
  return typeof candidate.low === "number" && typeof candidate.high === "number" && typeof candidate.unsigned === "boolean";
}
