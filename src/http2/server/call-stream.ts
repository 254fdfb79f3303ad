import type { Metadata } from "../../metadata/index.js";
import type { GrpcError } from "../../status/index.js";
import type { CallTrace } from "../../trace/index.js";
import type { FrameQueue, RequestHead, SingleFrameConsumer } from "../index.js";
import type { PeerCertificate } from "./peer-certificate.js";

/**
 * One incoming call as the server's role layer sees it: the request head and frames, and the
 * response written as gRPC frames and a status. `ServerStream` is the gRPC-over-HTTP/2 one; the
 * web protocols (gRPC-Web, Connect) provide their own, so the same handlers serve all of them.
 *
 * The members are ServerStream's; see it for what each one does.
 */
export interface CallStream {
  /** The request head (path, metadata, deadline, encodings). */
  readonly head: RequestHead;
  /** The call's trace; undefined when tracing is off (or the protocol is not traced). */
  readonly trace: CallTrace | undefined;
  /** Who the client is: "ip:port", "[ip]:port" or "unix:". */
  readonly peer: string;
  /** The client's verified TLS certificate, or undefined. */
  readonly peerCertificate: PeerCertificate | undefined;
  /** True once response headers (or a headers-only response) went out. */
  readonly headersSent: boolean;
  /** True once the call was ended on our side (finish or cancel). */
  readonly finished: boolean;
  /** The status the call ended with (undefined for OK or while it runs). */
  readonly endStatus: GrpcError | undefined;
  /** Aborts (with a GrpcError reason) when the client goes away before the call finished. */
  readonly signal: AbortSignal;
  /** Reads a request that should hold one message. */
  readSingle(maxBytes: number, consumer: SingleFrameConsumer): void;
  /** Reads a streaming request as frames. */
  readFrames(maxBytes: number): FrameQueue;
  /** Sends the response headers unless already sent. */
  sendHeaders(metadata: Metadata | undefined, encoding: string | undefined): void;
  /** Writes whole length-prefixed messages; false means await drain() first. */
  write(bytes: Uint8Array): boolean;
  /** Resolves once more may be written, or the stream closed. */
  drain(): Promise<void>;
  /** Answers a single-response call at once: headers, the one framed message, OK and trailers. */
  respond(metadata: Metadata | undefined, encoding: string | undefined, message: Uint8Array, trailers: Metadata | undefined): void;
  /** Ends the call with a status (undefined is OK), trailing metadata and, if none went out yet, header metadata. */
  finish(error: GrpcError | undefined, trailers: Metadata | undefined, headers?: Metadata): void;
  /** Ends the call with a status, then cuts the stream (an expired deadline). */
  finishAndCancel(error: GrpcError, trailers: Metadata | undefined): void;
}
