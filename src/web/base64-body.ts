import { decodeBase64, encodeBase64 } from "../metadata/index.js";
import { Code, GrpcError } from "../status/index.js";

const latin1 = new TextDecoder("latin1");
const ascii = new TextEncoder();

/**
 * Decodes a `application/grpc-web-text` request body: base64 that arrives in chunks split
 * anywhere, possibly made of several padded pieces (a client may encode each message on its own).
 * Characters outside the alphabet, misplaced padding or a body cut inside a 4-character group are
 * INTERNAL, as a malformed gRPC frame is. https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md
 */
export class Base64BodyDecoder {
  /** Characters of an incomplete 4-character group carried to the next chunk. */
  private held = "";
  private ended = false;

  /** Decodes the complete groups of `held` + `chunk`; returns the bytes (possibly none). */
  push(chunk: Uint8Array): Uint8Array {
    const text = this.held + latin1.decode(chunk);
    const complete = text.length - (text.length % 4);
    this.held = text.slice(complete);
    if (complete === 0) return EMPTY;
    return decodeGroups(text.slice(0, complete));
  }

  /** The body ended: what is left must be a final unpadded group of 2 or 3 characters, or nothing. */
  end(): Uint8Array {
    if (this.ended) return EMPTY;
    this.ended = true;
    if (this.held === "") return EMPTY;
    return decodeGroups(this.held);
  }
}

/** Decodes whole groups, where a group with padding ends one piece and another may follow. */
function decodeGroups(text: string): Uint8Array {
  if (!text.includes("=")) return decode(text);
  const pieces: Uint8Array[] = [];
  let start = 0;
  while (start < text.length) {
    const padding = text.indexOf("=", start);
    const end = padding < 0 ? text.length : Math.min(text.length, start + Math.ceil((padding - start + 1) / 4) * 4);
    pieces.push(decode(text.slice(start, end)));
    start = end;
  }
  let length = 0;
  for (const piece of pieces) length += piece.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

function decode(text: string): Uint8Array {
  try {
    return decodeBase64(text);
  } catch {
    const shown = text.length > 24 ? `${JSON.stringify(text.slice(0, 24))}...` : JSON.stringify(text);
    throw new GrpcError(Code.Internal, `web: the grpc-web-text request body is not base64 (at ${shown})`);
  }
}

const EMPTY = new Uint8Array(0);

/** Encodes a chunk of a `application/grpc-web-text` response as padded base64 (each chunk decodes on its own). */
export function encodeBase64Body(bytes: Uint8Array): Uint8Array {
  const text = encodeBase64(bytes);
  const padding = (4 - (text.length % 4)) % 4;
  return ascii.encode(padding === 0 ? text : text + "=".repeat(padding));
}

/**
 * Decodes a Connect GET request's `message` parameter as base64url (or standard base64), padded
 * or not. https://connectrpc.com/docs/protocol#unary-get-request
 */
export function decodeBase64Url(text: string): Uint8Array {
  try {
    return decodeBase64(text.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw new GrpcError(Code.Internal, "web: the message parameter of the GET request is not base64url");
  }
}
