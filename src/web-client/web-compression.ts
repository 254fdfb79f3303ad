import { Code, GrpcError, describeError } from "../status/index.js";

/**
 * The message compressions the browser client can use, each a format of the web platform's
 * CompressionStream: "gzip" (RFC 1952) and "deflate" (zlib, RFC 1950, which is what gRPC and
 * Connect mean by "deflate").
 *
 * https://github.com/grpc/grpc/blob/master/doc/compression.md
 */
export type WebCompression = "gzip" | "deflate";

/** The compressions the client knows, in the order it offers them. */
const KNOWN: readonly WebCompression[] = ["gzip", "deflate"];

/** Tells whether a value is one of the compressions the browser client knows. */
export function isWebCompression(value: unknown): value is WebCompression {
  return value === "gzip" || value === "deflate";
}

/**
 * What the client accepts when its options say nothing: every compression it knows where the
 * platform has DecompressionStream (browsers since 2023, Node 18 and later), none elsewhere.
 */
export function defaultAcceptCompression(): readonly WebCompression[] {
  return typeof DecompressionStream === "function" ? KNOWN : [];
}

/** Tells whether this platform has CompressionStream, which `sendCompression` needs. */
export function canCompress(): boolean {
  return typeof CompressionStream === "function";
}

/**
 * Compresses one message with CompressionStream. The whole message is in memory already (it was
 * just encoded), so the output is collected into one array.
 */
export async function compressMessage(compression: WebCompression, message: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream(compression);
  return await pipeThrough(stream, message, Infinity, compression, "compressing");
}

/**
 * Decompresses one received message with DecompressionStream, failing with RESOURCE_EXHAUSTED as
 * soon as the output exceeds `maxBytes`, so a small message that inflates without bound (a
 * decompression bomb) never reaches memory. Data that is not valid in `compression` (a broken
 * stream, junk after its end) is INTERNAL.
 * https://github.com/grpc/grpc/blob/master/doc/compression.md
 */
export async function decompressMessage(compression: WebCompression, message: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const stream = new DecompressionStream(compression);
  return await pipeThrough(stream, message, maxBytes, compression, "decompressing");
}

/** Writes `input` through a (de)compression stream and collects its output, up to `maxBytes`. */
async function pipeThrough(
  stream: CompressionStream | DecompressionStream,
  input: Uint8Array,
  maxBytes: number,
  compression: WebCompression,
  what: string,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  // Written while the output is read, so backpressure never stalls; a failure of the write shows
  // up as the failure of a read, which is where it is reported.
  const written = writer
    .write(input as Uint8Array<ArrayBuffer>)
    .then(() => writer.close())
    .catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (error) {
        throw new GrpcError(Code.Internal, `web client: ${what} a ${compression} message failed: ${describeError(error)}`, {
          cause: error,
        });
      }
      if (result.done) break;
      length += result.value.length;
      if (length > maxBytes) {
        // Stops the stream: nothing more is inflated. The rejection of the pending write is expected.
        reader.cancel().catch(() => undefined);
        writer.abort().catch(() => undefined);
        throw new GrpcError(
          Code.ResourceExhausted,
          `web client: response message of more than ${maxBytes} bytes after ${compression} decompression exceeds maxReceiveMessageBytes ${maxBytes}`,
        );
      }
      chunks.push(result.value);
    }
  } finally {
    await written;
  }
  return concat(chunks, length);
}

/** The chunks as one array (the only chunk itself when there is one). */
export function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * Decompresses a received message flagged compressed, in the compression its response header
 * (`grpc-encoding`, `connect-content-encoding`) names. A compressed message without such a header,
 * or in a compression the client does not accept, is INTERNAL: the client cannot read it
 * (compression.md: "a client reports a response in an encoding it does not support as INTERNAL").
 * https://github.com/grpc/grpc/blob/master/doc/compression.md
 */
export async function decompressReceived(
  message: Uint8Array,
  encoding: string | null,
  header: string,
  accepted: readonly WebCompression[],
  maxBytes: number,
): Promise<Uint8Array> {
  const name = encoding?.trim().toLowerCase() ?? "";
  if (name === "" || name === "identity")
    throw new GrpcError(Code.Internal, `web client: received a message flagged compressed, but the response has no ${header}`);
  const compression = accepted.find((candidate) => candidate === name);
  if (compression === undefined)
    throw new GrpcError(
      Code.Internal,
      `web client: received a message compressed with ${JSON.stringify(name)} (${header}), which the client does not accept (it accepts: ${accepted.join(", ") || "none"})`,
    );
  return await decompressMessage(compression, message, maxBytes);
}
