import { encodeBase64 } from "./base64.js";
import {
  type SingleValuedMetadataKey,
  isBinaryKey,
  isLegalFieldValue,
  isReservedKey,
  isSingleValuedKey,
  isValidAsciiValue,
  isValidKey,
} from "./metadata-key.js";

/** A metadata value: a string for ASCII keys, bytes for `-bin` keys. */
export type MetadataValue = string | Uint8Array;

/** Bytes HTTP/2 counts per header field on top of name and value (RFC 9113 §6.5.2). */
export const HEADER_FIELD_OVERHEAD_BYTES = 32;

/**
 * What Metadata.from takes: a value or an array of values per key; a single-valued key
 * (`authorization`, `user-agent`, ...) takes one string, so an array there is a compile error.
 */
export type MetadataInit = Record<string, MetadataValue | readonly MetadataValue[]> & {
  readonly [key in SingleValuedMetadataKey]?: string;
};

/**
 * Custom metadata of a call: case-insensitive, multi-valued keys, ASCII or binary (`-bin`) values.
 *
 * Every mutation validates right away and throws TypeError, so a bad key never reaches the wire.
 * Keys gRPC reserves (`content-type`, `te`, `grpc-timeout`, ...) cannot be set at all, and a key
 * HTTP defines as single-valued (`authorization`, `user-agent`, ...) takes one value: adding a
 * second one throws (set() replaces it).
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
 */
export class Metadata {
  private readonly map = new Map<string, MetadataValue[]>();

  /** Builds metadata from a plain object; arrays give several values to one key. */
  static from(init: MetadataInit): Metadata {
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(init)) {
      if (Array.isArray(value)) for (const item of value) metadata.add(key, item);
      else metadata.add(key, value as MetadataValue);
    }
    return metadata;
  }

  /** Replaces every value of `key` with `value`. */
  set(key: string, value: MetadataValue): this {
    const name = checkEntry(key, value);
    this.map.set(name, [value]);
    return this;
  }

  /** Appends `value` to the values of `key`; a TypeError when `key` is single-valued and has a value. */
  add(key: string, value: MetadataValue): this {
    const name = checkEntry(key, value);
    const values = this.map.get(name);
    if (values !== undefined && isSingleValuedKey(name))
      throw new TypeError(
        `metadata: key ${JSON.stringify(name)} takes a single value (HTTP sends it once per header block) and already has one; use set() to replace it`,
      );
    if (values) values.push(value);
    else this.map.set(name, [value]);
    return this;
  }

  /**
   * Appends a value received from a peer, by the receiver's looser rules; returns false and drops
   * the entry when it cannot be metadata (a reserved or malformed key, or a value of the wrong kind).
   *
   * A received ASCII value may be any legal HTTP field value: the spec says such a value must not
   * fail the call. `-bin` values arrive here already decoded (see decodeBinaryHeader).
   * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#requests
   */
  addReceived(key: string, value: MetadataValue): boolean {
    const name = key.toLowerCase();
    if (!isValidKey(name) || isReservedKey(name)) return false;
    if (isBinaryKey(name) ? !(value instanceof Uint8Array) : typeof value !== "string" || !isLegalFieldValue(value)) return false;
    const values = this.map.get(name);
    if (values) values.push(value);
    else this.map.set(name, [value]);
    return true;
  }

  /** Returns the first value of `key`, or undefined. */
  get(key: string): MetadataValue | undefined {
    return this.map.get(key.toLowerCase())?.[0];
  }

  /** Returns every value of `key`, in the order they were added (a copy). */
  getAll(key: string): MetadataValue[] {
    return [...(this.map.get(key.toLowerCase()) ?? [])];
  }

  /** Tells whether `key` has at least one value. */
  has(key: string): boolean {
    return this.map.has(key.toLowerCase());
  }

  /** Removes every value of `key`. */
  delete(key: string): boolean {
    return this.map.delete(key.toLowerCase());
  }

  /** The number of distinct keys. */
  get size(): number {
    return this.map.size;
  }

  /** The distinct keys, lowercase. */
  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  /** Every (key, value) pair, a key with several values once per value. */
  *entries(): IterableIterator<[string, MetadataValue]> {
    for (const [key, values] of this.map) for (const value of values) yield [key, value];
  }

  /** Every (key, value) pair, in insertion order; the same as {@link Metadata.entries}. */
  [Symbol.iterator](): IterableIterator<[string, MetadataValue]> {
    return this.entries();
  }

  /** Adds every entry of `other` to this metadata. */
  merge(other: Metadata): this {
    for (const [key, value] of other) this.add(key, value);
    return this;
  }

  /** A copy whose value lists can change independently of this one. */
  clone(): Metadata {
    return new Metadata().merge(this);
  }

  /**
   * The size this metadata adds to a header list, as SETTINGS_MAX_HEADER_LIST_SIZE counts it:
   * name + value + 32 per field, binary values as the unpadded base64 that goes on the wire.
   */
  headerListBytes(): number {
    let total = 0;
    for (const [key, value] of this.entries()) {
      const valueBytes = typeof value === "string" ? value.length : Math.ceil((value.byteLength * 4) / 3);
      total += key.length + valueBytes + HEADER_FIELD_OVERHEAD_BYTES;
    }
    return total;
  }

  /** A plain object for logs: binary values as base64. */
  toJSON(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [key, values] of this.map) out[key] = values.map((value) => (typeof value === "string" ? value : encodeBase64(value)));
    return out;
  }
}

/**
 * Validates one entry an application sets and returns its lowercase key; used by every mutation
 * except addReceived, which applies the receiver's looser value rule.
 */
function checkEntry(key: string, value: MetadataValue): string {
  if (typeof key !== "string") throw new TypeError("metadata: key must be a string");
  const name = key.toLowerCase();
  if (!isValidKey(name)) throw new TypeError(`metadata: key ${JSON.stringify(key)} is not [0-9a-z_.-]+`);
  if (isReservedKey(name)) throw new TypeError(`metadata: key ${JSON.stringify(name)} is reserved by gRPC`);
  if (isBinaryKey(name)) {
    if (!(value instanceof Uint8Array))
      throw new TypeError(`metadata: key ${JSON.stringify(name)} ends in -bin, so its value must be a Uint8Array`);
  } else {
    if (typeof value !== "string")
      throw new TypeError(`metadata: key ${JSON.stringify(name)} has no -bin suffix, so its value must be a string`);
    if (!isValidAsciiValue(value))
      throw new TypeError(`metadata: value of ${JSON.stringify(name)} has a character outside printable ASCII (0x20-0x7E)`);
  }
  return name;
}
