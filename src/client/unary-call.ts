import { compressionForReceive } from "../compression/index.js";
import { ClientStream, type Connection } from "../http2/index.js";
import { Metadata } from "../metadata/index.js";
import { encodeMessage } from "../pipeline/index.js";
import { decodeMessage } from "../pipeline/index.js";
import type { Method } from "../service/index.js";
import { Code, GrpcError } from "../status/index.js";
import { NO_CALL_OPTIONS, type CallOptions } from "./call-options.js";
import { CallWatch, finalError, needsWatch, pickConnection, receiveCompressionError, setupCall, type CallSetup } from "./call-setup.js";
import type { Channel } from "./channel.js";

/**
 * Runs a unary call on the fast path: one `session.request()`, one write with END_STREAM,
 * DATA into the stream's FrameDecoder, the status from trailers, one promise. No iterables, no
 * AbortSignal and no timer unless the caller asked for a deadline or gave a signal.
 *
 * A call the server never saw (REFUSED_STREAM, GOAWAY) is retried once on another connection.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md
 */
export function unaryCall<I, O>(channel: Channel, method: Method<I, O>, request: I, options: CallOptions<I> = NO_CALL_OPTIONS): Promise<O> {
  let setup: CallSetup;
  try {
    setup = setupCall(channel, method, options);
  } catch (error) {
    // A status (expired deadline, aborted signal) rejects; a caller's mistake throws right away.
    if (error instanceof GrpcError) return Promise.reject(error);
    throw error;
  }
  return runUnary(channel, method, request, options, setup);
}

async function runUnary<I, O>(channel: Channel, method: Method<I, O>, request: I, options: CallOptions<I>, setup: CallSetup): Promise<O> {
  let frame = encodeMessage(request, method.requestCodec, { compression: setup.compression, maxBytes: setup.maxSendBytes });
  if (frame instanceof Promise) frame = await frame;
  const frames = await exchange(channel, setup, frame, options, false);
  const stream = frames.stream;
  if (frames.list.length !== 1)
    throw new GrpcError(Code.Unimplemented, `cardinality violation: expected 1 response message, received ${frames.list.length}`);
  let compression;
  try {
    compression = compressionForReceive(stream.encoding, channel.compressions);
  } catch (error) {
    throw receiveCompressionError(error);
  }
  return decodeMessage(frames.list[0]!, method.responseCodec, { compression, maxBytes: setup.maxReceiveBytes });
}

/** The frames a finished call received, with its stream (for headers and encoding). */
interface Exchange {
  stream: ClientStream;
  list: import("../framing/index.js").Frame[];
}

/**
 * Sends one request frame and waits for the call's end; reports headers and trailers to the
 * options' callbacks. Shared with server-streaming calls when they are read whole.
 */
async function exchange(channel: Channel, setup: CallSetup, frame: Uint8Array, options: CallOptions<any>, retried: boolean): Promise<Exchange> {
  let connection = pickConnection(channel, setup);
  if (connection instanceof Promise) connection = await connection;
  const stream = new ClientStream(connection as Connection, setup.headers, setup.maxReceiveBytes, false);
  stream.end(frame);
  const watch = needsWatch(setup) ? new CallWatch(stream, setup) : undefined;
  try {
    await stream.finished();
  } catch (error) {
    if (stream.refused && !retried) {
      watch?.dispose();
      return exchange(channel, setup, frame, options, true);
    }
    reportMetadata(stream, options);
    throw finalError(error, setup.deadline);
  } finally {
    watch?.dispose();
  }
  reportMetadata(stream, options);
  return { stream, list: stream.takeFrames() };
}

/** Calls `onHeaders` / `onTrailers` with what arrived; trailers-only responses have empty headers. */
export function reportMetadata(stream: ClientStream, options: CallOptions<any>, headers = true, trailers = true): void {
  if (headers && options.onHeaders !== undefined && stream.responseHeaders !== undefined)
    options.onHeaders(stream.responseHeaders === stream.trailers ? new Metadata() : stream.responseMetadata()!);
  if (trailers && options.onTrailers !== undefined) options.onTrailers(stream.trailerMetadata() ?? new Metadata());
}
