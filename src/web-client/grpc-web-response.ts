import { Metadata, decodeBase64 } from "../metadata/index.js";
import { Code, GrpcError, codeFromHttpStatus, decodeStatusMessage, parseStatusCode } from "../status/index.js";
import { Base64BodyDecoder } from "./base64-body.js";
import { EnvelopeDecoder, type Envelope } from "./envelope.js";
import { addReceivedValue, metadataFromWebHeaders } from "./headers-metadata.js";
import { mediaTypeOf, readBody, type ResponseContext } from "./response-context.js";
import { decompressReceived } from "./web-compression.js";

/** The flag of gRPC-Web's trailers frame. */
const TRAILERS_FLAG = 0x80;
/** The flag of a compressed message (or compressed trailers, 0x81). */
const COMPRESSED_FLAG = 0x01;
const utf8 = new TextDecoder();

/**
 * The messages of a gRPC-Web response, as the server sent them; ends when the trailers say OK,
 * throws the GrpcError they carry otherwise.
 *
 * Reads the status from wherever it is: the headers of a trailers-only response, or the last
 * length-prefixed frame, flagged 0x80, whose payload is an HTTP/1 header block. A response
 * without a status is an error: a non-200 without grpc-status takes the code of its HTTP status
 * (http-grpc-status-mapping.md), a body that ends without trailers is INTERNAL, as is a message
 * after them; a content type that is not gRPC-Web's in the client's format is UNKNOWN. Messages
 * (and trailers, flagged 0x81) flagged compressed are decompressed in the `grpc-encoding` of the
 * response, up to the receive limit.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md#protocol-differences-vs-grpc-over-http2
 */
export async function* readGrpcWebResponse(
  response: Response,
  isText: boolean,
  context: ResponseContext,
): AsyncGenerator<Uint8Array, void> {
  const headers = response.headers;
  const headerStatus = headers.get("grpc-status");
  if (headerStatus !== null) {
    // Trailers-only: the whole status is in the headers, and there is no message.
    const metadata = metadataFromWebHeaders(headers);
    context.onTrailers?.(metadata);
    const error = statusError(headerStatus, headers.get("grpc-message"), headers.get("grpc-status-details-bin"), metadata);
    if (error !== undefined) throw error;
    return;
  }
  if (response.status !== 200)
    throw new GrpcError(codeFromHttpStatus(response.status), `web client: received HTTP status ${response.status} without grpc-status`, {
      metadata: metadataFromWebHeaders(headers),
    });
  const mediaType = mediaTypeOf(headers);
  const base = isText ? "application/grpc-web-text" : "application/grpc-web";
  const expected = `${base}+${context.format}`;
  if (mediaType !== expected && !(context.format === "proto" && mediaType === base))
    throw new GrpcError(Code.Unknown, `web client: response content-type ${JSON.stringify(mediaType)} is not ${expected}`);
  context.onHeaders?.(metadataFromWebHeaders(headers));

  const encoding = headers.get("grpc-encoding");
  const decoder = new EnvelopeDecoder(context.maxBytes);
  const text = isText ? new Base64BodyDecoder() : undefined;
  let trailers: Metadata | undefined;
  let error: GrpcError | undefined;
  /** The message of an envelope, or undefined when it is the trailers, which it records. */
  const take = async ({ flags, payload }: Envelope): Promise<Uint8Array | undefined> => {
    if (trailers !== undefined) throw new GrpcError(Code.Internal, "web client: gRPC-Web response has data after its trailers");
    if ((flags & ~(TRAILERS_FLAG | COMPRESSED_FLAG)) !== 0)
      throw new GrpcError(Code.Internal, `web client: gRPC-Web message has unknown flags 0x${flags.toString(16).padStart(2, "0")}`);
    const bytes =
      flags & COMPRESSED_FLAG
        ? await decompressReceived(payload, encoding, "grpc-encoding", context.acceptCompression, context.maxBytes)
        : payload;
    if ((flags & TRAILERS_FLAG) === 0) return bytes;
    trailers = new Metadata();
    error = trailersStatus(bytes, trailers);
    return undefined;
  };
  for await (const chunk of readBody(response.body, context.signal))
    for (const envelope of decoder.push(text === undefined ? chunk : text.push(chunk))) {
      const message = await take(envelope);
      if (message !== undefined) yield message;
    }
  if (text !== undefined)
    for (const envelope of decoder.push(text.end())) {
      const message = await take(envelope);
      if (message !== undefined) yield message;
    }
  decoder.end();
  if (trailers === undefined) throw new GrpcError(Code.Internal, "web client: gRPC-Web response ended without trailers");
  context.onTrailers?.(trailers);
  if (error !== undefined) throw error;
}

/**
 * Parses a trailers frame (`grpc-status: 0\r\ngrpc-message: ...\r\n`, names in any case) into
 * `metadata` and returns the status it carries: undefined for OK.
 */
function trailersStatus(payload: Uint8Array, metadata: Metadata): GrpcError | undefined {
  let status: string | null = null;
  let message: string | null = null;
  let details: string | null = null;
  for (const line of utf8.decode(payload).split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "grpc-status") status = value;
    else if (key === "grpc-message") message = value;
    else if (key === "grpc-status-details-bin") details = value;
    else addReceivedValue(metadata, key, value);
  }
  return statusError(status, message, details, metadata);
}

/** The status of grpc-status, grpc-message and grpc-status-details-bin: undefined for OK. */
function statusError(status: string | null, message: string | null, details: string | null, metadata: Metadata): GrpcError | undefined {
  if (status === "0") return undefined;
  const code = parseStatusCode(status ?? undefined);
  const text = decodeStatusMessage(message ?? "");
  if (code === undefined) {
    const why = status === null ? "gRPC-Web trailers carry no grpc-status" : `received invalid grpc-status ${JSON.stringify(status)}`;
    return new GrpcError(Code.Unknown, `web client: ${why}${text ? `: ${text}` : ""}`, { metadata });
  }
  return new GrpcError(code, text, { metadata, details: decodeDetails(details) });
}

/** Decodes grpc-status-details-bin; a value that is not base64 is dropped rather than failing the call. */
function decodeDetails(value: string | null): Uint8Array | undefined {
  if (value === null) return undefined;
  try {
    return decodeBase64(value.split(",")[0]!.trim());
  } catch {
    // Not base64: the status itself is still valid, so it is reported without details.
    return undefined;
  }
}
