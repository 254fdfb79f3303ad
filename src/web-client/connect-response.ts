import { Metadata } from "../metadata/index.js";
import { Code, GrpcError, codeFromHttpStatus } from "../status/index.js";
import { errorFromConnectJson, errorFromHttpStatus } from "./connect-error.js";
import { EnvelopeDecoder, type Envelope } from "./envelope.js";
import { addReceivedValue, metadataFromWebHeaders } from "./headers-metadata.js";
import { mediaTypeOf, readBody, type ResponseContext } from "./response-context.js";
import { concat, decompressReceived } from "./web-compression.js";

/** The flag of Connect's end-stream message. */
const END_STREAM_FLAG = 0x02;
/** The flag of a compressed message (or end-stream message, 0x03). */
const COMPRESSED_FLAG = 0x01;
/** Connect sends a unary call's trailers as headers with this prefix. */
const TRAILER_PREFIX = "trailer-";
const utf8 = new TextDecoder();

/**
 * The one message of a Connect unary response: its whole body, read up to the receive limit.
 *
 * A success is HTTP 200 with `application/proto` (`application/json` in the JSON format); the
 * trailers are the `trailer-` headers. Any other status is an error, described by the JSON body
 * when there is one (its Connect code, message and details), by the HTTP status otherwise. A body
 * compressed with `content-encoding` is decoded by fetch itself (the browser asks for the HTTP
 * compressions it has with `accept-encoding`, a header a page may not set); the receive limit
 * counts the decoded bytes.
 * https://connectrpc.com/docs/protocol#unary-response
 */
export async function* readConnectUnaryResponse(response: Response, context: ResponseContext): AsyncGenerator<Uint8Array, void> {
  const trailers = metadataFromWebHeaders(response.headers, TRAILER_PREFIX);
  if (response.status !== 200) throw await connectHttpError(response, context, trailers);
  checkMediaType(response.headers, `application/${context.format}`);
  context.onHeaders?.(metadataFromWebHeaders(response.headers, undefined, TRAILER_PREFIX));
  const body = await readWholeBody(response, context);
  context.onTrailers?.(trailers);
  yield body;
}

/**
 * The messages of a Connect streaming response (`application/connect+proto` or `+json`
 * envelopes), until the end-stream message, flagged 0x02: a JSON object with the trailing metadata
 * and, when the call failed, its error. A body that ends without it is INTERNAL, as is data after
 * it; an end-stream message that is not such JSON is UNKNOWN, as Connect's own clients report it.
 * Envelopes flagged compressed (0x01, the end-stream too) are decompressed in the response's
 * `connect-content-encoding`, up to the receive limit.
 * https://connectrpc.com/docs/protocol#streaming-response
 */
export async function* readConnectStreamResponse(response: Response, context: ResponseContext): AsyncGenerator<Uint8Array, void> {
  if (response.status !== 200) throw await connectHttpError(response, context, new Metadata());
  checkMediaType(response.headers, `application/connect+${context.format}`);
  context.onHeaders?.(metadataFromWebHeaders(response.headers));
  const encoding = response.headers.get("connect-content-encoding");
  const decoder = new EnvelopeDecoder(context.maxBytes);
  let trailers: Metadata | undefined;
  let error: GrpcError | undefined;
  /** The message of an envelope, or undefined when it is the end-stream message, which it records. */
  const take = async ({ flags, payload }: Envelope): Promise<Uint8Array | undefined> => {
    if (trailers !== undefined) throw new GrpcError(Code.Internal, "web client: Connect response has data after its end-stream message");
    if ((flags & ~(END_STREAM_FLAG | COMPRESSED_FLAG)) !== 0)
      throw new GrpcError(Code.Internal, `web client: Connect message has unknown flags 0x${flags.toString(16).padStart(2, "0")}`);
    const bytes =
      flags & COMPRESSED_FLAG
        ? await decompressReceived(payload, encoding, "connect-content-encoding", context.acceptCompression, context.maxBytes)
        : payload;
    if ((flags & END_STREAM_FLAG) === 0) return bytes;
    trailers = new Metadata();
    error = endStreamError(bytes, trailers);
    return undefined;
  };
  for await (const chunk of readBody(response.body, context.signal))
    for (const envelope of decoder.push(chunk)) {
      const message = await take(envelope);
      if (message !== undefined) yield message;
    }
  decoder.end();
  if (trailers === undefined) throw new GrpcError(Code.Internal, "web client: Connect response ended without an end-stream message");
  context.onTrailers?.(trailers);
  if (error !== undefined) throw error;
}

/** Parses an end-stream message into `trailers` and returns its error, if any. */
function endStreamError(payload: Uint8Array, trailers: Metadata): GrpcError | undefined {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(payload));
  } catch {
    return new GrpcError(Code.Unknown, "web client: Connect end-stream message is not JSON", { metadata: trailers });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return new GrpcError(Code.Unknown, "web client: Connect end-stream message is not a JSON object", { metadata: trailers });
  const { metadata, error } = json as Record<string, unknown>;
  if (typeof metadata === "object" && metadata !== null && !Array.isArray(metadata))
    for (const [key, values] of Object.entries(metadata))
      if (Array.isArray(values))
        for (const value of values) if (typeof value === "string") addReceivedValue(trailers, key.toLowerCase(), value);
  if (error === undefined || error === null) return undefined;
  return errorFromConnectJson(error, Code.Unknown, trailers);
}

/** The error of a response whose HTTP status is not 200: from its JSON body if it has one. */
async function connectHttpError(response: Response, context: ResponseContext, trailers: Metadata): Promise<GrpcError> {
  const metadata = metadataFromWebHeaders(response.headers, undefined, TRAILER_PREFIX).merge(trailers);
  let error: GrpcError;
  if (mediaTypeOf(response.headers) === "application/json") {
    const text = utf8.decode(await readWholeBody(response, context));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    error =
      typeof json === "object" && json !== null
        ? errorFromConnectJson(json, codeFromHttpStatus(response.status), metadata)
        : errorFromHttpStatus(response.status, metadata, "with a body that is not a Connect error");
  } else {
    error = errorFromHttpStatus(response.status, metadata, "without a Connect error");
  }
  context.onTrailers?.(metadata);
  return error;
}

/** Fails the call when the response is not the protocol's content type (a proxy's page, say). */
function checkMediaType(headers: Headers, expected: string): void {
  const mediaType = mediaTypeOf(headers);
  // A Content-Encoding needs no check: fetch itself decodes the HTTP compressions it offered.
  if (mediaType !== expected)
    throw new GrpcError(Code.Unknown, `web client: response content-type ${JSON.stringify(mediaType)} is not ${expected}`);
}

/** The whole body, failing with RESOURCE_EXHAUSTED as soon as it exceeds the receive limit. */
async function readWholeBody(response: Response, context: ResponseContext): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of readBody(response.body, context.signal)) {
    length += chunk.length;
    if (length > context.maxBytes)
      throw new GrpcError(
        Code.ResourceExhausted,
        `web client: response message of more than ${context.maxBytes} bytes exceeds maxReceiveMessageBytes ${context.maxBytes}`,
      );
    chunks.push(chunk);
  }
  return concat(chunks, length);
}
