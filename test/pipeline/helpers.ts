// Helpers shared by the framing, compression, codec and pipeline tests (and the e2e and http2 ones that collect or concatenate).
import { expect } from "chai";
import { GrpcError } from "../../src/status/index.js";

export async function* chunksOf<T>(...items: T[]): AsyncIterable<T> {
  for (const item of items) yield item;
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The GrpcError `action` throws synchronously; fails the test if it throws nothing or something else. */
export function thrownGrpcError(action: () => unknown): GrpcError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(GrpcError);
    return error as GrpcError;
  }
  throw new Error("expected a GrpcError");
}

/** The GrpcError `action` throws, synchronously or through a promise. */
export async function grpcErrorOf(action: () => unknown): Promise<GrpcError> {
  try {
    await action();
  } catch (error) {
    expect(error).to.be.instanceOf(GrpcError);
    return error as GrpcError;
  }
  throw new Error("expected a GrpcError");
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
