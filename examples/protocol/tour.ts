// A tour of tsgrpc/protocol: the wire format of gRPC without a server, a channel or a socket.
// README.md ("The protocol layers") shows this file as it is; test/protocol.test.ts checks both.
import {
  Code,
  FrameDecoder,
  Metadata,
  RstCode,
  codeFromHttpStatus,
  codeFromRstCode,
  decodeStatusMessage,
  encodeFrame,
  encodeStatusMessage,
  formatTimeout,
  gzip,
  metadataToHeaders,
  parseTimeout,
  rawCodec,
  readMessages,
  writeMessages,
} from "../../src/protocol.js";

// A Length-Prefixed-Message: a 5-byte header (compressed flag, big-endian length), then the bytes.
const frame = encodeFrame(new TextEncoder().encode("hello"));
// DATA frames and messages don't line up, so the decoder takes chunks cut anywhere.
const decoder = new FrameDecoder(4 * 1024 * 1024);
export const frames = [...decoder.push(frame.subarray(0, 3)), ...decoder.push(frame.subarray(3))];
decoder.end(); // throws GrpcError(INTERNAL) if the stream stopped inside a message

// Messages through compression and framing, and back: async iterables in, async iterables out.
async function* messages(): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode("one");
  yield new Uint8Array(1000); // compresses well
}
const chunks = writeMessages(messages(), rawCodec, { compression: gzip });
export const received: Uint8Array[] = [];
for await (const message of readMessages(chunks, rawCodec, { compression: gzip })) received.push(message);

// Header values, exactly as on the wire.
export const grpcMessage = encodeStatusMessage("50% done ✓"); // "50%25 done %E2%9C%93"
export const statusMessage = decodeStatusMessage(grpcMessage); // "50% done ✓"
export const grpcTimeout = formatTimeout(1500); // "1500000u": rounded up, in the finest unit that fits 8 digits
export const timeoutMs = parseTimeout("2S"); // 2000
export const headers = metadataToHeaders(new Metadata().add("trace-id", "abc").add("blob-bin", new Uint8Array([1, 2])));

// The statuses of failures below gRPC: an HTTP answer without grpc-status, a RST_STREAM.
export const fromHttp = codeFromHttpStatus(503); // Code.Unavailable
export const fromReset = codeFromRstCode(RstCode.RefusedStream); // Code.Unavailable: safe to retry
export const isRetryable = fromReset === Code.Unavailable;
