import type { OutgoingHttpHeaders, ServerHttp2Stream } from "node:http2";
import type { Metadata } from "../../metadata/index.js";
import { Code, GrpcError, describeRstCode, RstCode } from "../../status/index.js";
import type { CallTrace } from "../../trace/index.js";
import { CONTENT_TYPE_GRPC, GRPC_ACCEPT_ENCODING, GRPC_ENCODING, HEADER_CONTENT_TYPE, HEADER_STATUS } from "../index.js";
import { MAX_SEND_HEADER_BLOCK_BYTES, headerListBytes, metadataToHeaders } from "../index.js";
import { DEFAULT_HIGH_WATER_BYTES, FrameQueue, SINGLE_MESSAGE, type SingleFrameConsumer } from "../index.js";
import type { RequestHead } from "../index.js";
import type { CallStream } from "./call-stream.js";
import type { ConnectionStream, ServerConnection } from "./connection.js";
import { type PeerCertificate, peerCertificateOf } from "./peer-certificate.js";
import { sameWriteAccess } from "./same-write-trailers.js";
import { trailersFromStatus } from "../index.js";

const OWNER = Symbol("tsgrpc.serverStream");
type OwnedStream = ServerHttp2Stream & { [OWNER]?: ServerStream };

/** The trailers of every OK call without trailing metadata; node copies what it sends, so one object serves all. */
const OK_TRAILERS: Readonly<OutgoingHttpHeaders> = Object.freeze(trailersFromStatus(undefined, undefined));

/**
 * The headers of a response that carries messages: `:status 200` and content-type, plus
 * grpc-encoding and metadata when a call has them. No grpc-accept-encoding: the spec makes it
 * optional on responses, grpc-go never sends it there, and no client reads it from a successful
 * response; every extra header is work for node on each call (it re-encodes the header block).
 */
const RESPONSE_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({ [HEADER_STATUS]: 200, [HEADER_CONTENT_TYPE]: CONTENT_TYPE_GRPC });

/**
 * The headers a trailers-only response starts from: `:status 200`, content-type and the server's
 * grpc-accept-encoding, which tells a client whose grpc-encoding was refused (UNIMPLEMENTED) what
 * the server decodes (compression.md). Built once per listener.
 */
export function baseResponseHeaders(acceptEncoding: string): Readonly<OutgoingHttpHeaders> {
  return Object.freeze({ [HEADER_STATUS]: 200, [HEADER_CONTENT_TYPE]: CONTENT_TYPE_GRPC, [GRPC_ACCEPT_ENCODING]: acceptEncoding });
}

/**
 * respond() options: no `date` header (node adds one by default; gRPC servers do not send it, and
 * it costs a clock read and a header per response). node copies the options it is given.
 */
const WITH_TRAILERS = Object.freeze({ waitForTrailers: true, sendDate: false });
const TRAILERS_ONLY = Object.freeze({ endStream: true, sendDate: false });

/**
 * Writes node may hold for one stream before write() says to wait. node's buffer limit counts
 * bytes (16 KiB on Node 20, 64 KiB from Node 22), but every buffered chunk costs about 170 bytes
 * of heap on top of its bytes: 64 KiB of 13-byte messages stalled by a client that does not read
 * is 3,600 chunks and 600 KiB of heap for one stream. Measured in test/hostile/server-attacks.test.ts.
 */
const MAX_QUEUED_WRITES = 1024;

/** How long an expired call's trailers may wait behind flow control before the stream is reset anyway. */
const CANCEL_FALLBACK_MS = 1000;

const HEADERS_SENT = 1;
const FINISHED = 2;
const CLOSED = 4;
const CANCEL_AFTER_TRAILERS = 8;
const CORKED = 16;
/** The last chunk was ended the one-write way (same-write-trailers.ts): the stream may close before its write is done. */
const ENDED_WITH_LAST_CHUNK = 32;

/**
 * One incoming gRPC call at the HTTP/2 level: its parsed head, its request frames, and the
 * response (headers, messages, then trailers or a trailers-only response).
 *
 * Event-driven inside: request DATA goes from node's 'data' events into a FrameDecoder, and a
 * unary answer is one respond(), one write and the trailers. A peer reset or a lost connection is
 * reported only through `signal` (created on first access) and `closed`, never by a callback.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#responses
 */
export class ServerStream implements ConnectionStream, CallStream {
  /** The request head; metadata inside it is parsed on first access. */
  readonly head: RequestHead;
  private readonly stream: OwnedStream;
  private readonly connection: ServerConnection;
  private readonly baseHeaders: Readonly<OutgoingHttpHeaders>;
  private flags = 0;
  /** @internal Links of the connection's list of open streams (ServerConnection). */
  previousOnConnection: ConnectionStream | undefined;
  /** @internal */
  nextOnConnection: ConnectionStream | undefined;
  /** @internal The request read, opened by readSingle() or readFrames(); node's DATA events feed it. */
  reader: FrameQueue | undefined;
  private controller: AbortController | undefined;
  private closeReason: GrpcError | undefined;
  private finishStatus: GrpcError | undefined;
  private trailers: OutgoingHttpHeaders | undefined;
  private drainWaiters: (() => void)[] | undefined;
  /** Writes since node's buffer was last seen empty; see MAX_QUEUED_WRITES. */
  private queuedWrites = 0;
  /** Set while waiting for the write that reached MAX_QUEUED_WRITES to be flushed. */
  private flushed: Promise<void> | undefined;
  /** The call's trace (docs/LAYERS.md); undefined when tracing is off. */
  readonly trace: CallTrace | undefined;
  /** The status this side sent (traced calls only), for the trace's "end" event. */
  private sentStatus: GrpcError | undefined;

  /** @internal Created by Http2Listener for every accepted gRPC request. */
  constructor(
    stream: ServerHttp2Stream,
    head: RequestHead,
    connection: ServerConnection,
    baseHeaders: Readonly<OutgoingHttpHeaders>,
    trace?: CallTrace,
  ) {
    this.trace = trace;
    this.stream = stream as OwnedStream;
    this.head = head;
    this.connection = connection;
    this.baseHeaders = baseHeaders;
    this.stream[OWNER] = this;
    stream.on("close", onClose);
    stream.on("error", onError);
    connection.add(this);
  }

  /** "ip:port" of the client ("[::1]:port" for IPv6), or "unix:" for a unix socket peer. */
  get peer(): string {
    const socket = this.connection.session.socket;
    const address = socket?.remoteAddress;
    if (address === undefined) return "unix:";
    return address.includes(":") ? `[${address}]:${socket.remotePort}` : `${address}:${socket.remotePort}`;
  }

  /** The client's verified TLS certificate, or undefined (plaintext, no certificate, or unverified). */
  get peerCertificate(): PeerCertificate | undefined {
    return peerCertificateOf(this.connection.session);
  }

  /** True once the stream is gone: finished and flushed, reset by the peer, or cut off. */
  get closed(): boolean {
    return (this.flags & CLOSED) !== 0;
  }

  /** True once response headers (or a trailers-only response) went out. */
  get headersSent(): boolean {
    return (this.flags & HEADERS_SENT) !== 0;
  }

  /**
   * The status the call ended with once it is over: what finish() sent (the oversize error that
   * replaced it, if any), or why the stream closed; undefined for OK or while it runs.
   */
  get endStatus(): GrpcError | undefined {
    return this.finishStatus ?? this.closeReason;
  }

  /** True once finish() or cancel() ended the call on our side. */
  get finished(): boolean {
    return (this.flags & FINISHED) !== 0;
  }

  /**
   * Aborts when the stream closes before we finished it (peer RST_STREAM, connection lost,
   * server shutdown); the reason is a GrpcError, CANCELLED unless the closer gave another.
   */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.closeReason !== undefined) this.controller.abort(this.closeReason);
    }
    return this.controller.signal;
  }

  /** Reads a request that should hold one message (unary, server streaming): see FrameQueue.readSingle. */
  readSingle(maxBytes: number, consumer: SingleFrameConsumer): void {
    (this.reader ??= this.openReader(maxBytes, true)).readSingle(consumer);
  }

  /** Reads a streaming request as frames, paced by the consumer. */
  readFrames(maxBytes: number): FrameQueue {
    return (this.reader ??= this.openReader(maxBytes, false));
  }

  /** Sends the response headers (`:status 200`, content-type, grpc-encoding, metadata) unless already sent. */
  sendHeaders(metadata: Metadata | undefined, encoding: string | undefined): void {
    if ((this.flags & HEADERS_SENT) !== 0 || this.gone()) return;
    const headers = this.responseHeaders(metadata, encoding);
    const oversize = metadata === undefined || metadata.size === 0 ? undefined : oversizeError(headers, "response headers");
    if (oversize !== undefined) {
      this.finish(oversize, undefined);
      return;
    }
    this.flags |= HEADERS_SENT;
    this.stream.on("wantTrailers", onWantTrailers);
    this.trace?.headers("headers-sent", headers);
    this.stream.respond(headers, WITH_TRAILERS);
    this.connection.onSend();
  }

  /**
   * Writes one or more whole messages; false means node's buffer is full and the caller should
   * await drain() before writing more (that is how the client's flow control paces us).
   */
  write(bytes: Uint8Array): boolean {
    if ((this.flags & FINISHED) !== 0) return true;
    // A stream node destroyed but has not reported closed yet: wait for its 'close' in drain().
    if (this.gone()) return false;
    this.connection.onSend();
    // The messages written in one tick go to node as one batch (and the trailers of a finish() in
    // that tick with them): node then serializes them in one pass, so they leave in one socket
    // write, as a unary answer does. end() uncorks at once; otherwise the next tick does.
    if ((this.flags & CORKED) === 0) {
      this.flags |= CORKED;
      this.stream.cork();
      process.nextTick(uncork, this);
    }
    if (this.stream.writableLength === 0) this.queuedWrites = 0;
    if (++this.queuedWrites < MAX_QUEUED_WRITES) return this.stream.write(bytes);
    // Too many small chunks are waiting: this write's callback tells when all of them are out
    // (node calls it with an error instead when the stream is destroyed).
    this.flushed = new Promise<void>((resolve) => {
      this.stream.write(bytes, () => {
        this.queuedWrites = 0;
        this.flushed = undefined;
        resolve();
      });
    });
    return false;
  }

  /** Resolves when node's write buffer drained (or the queued writes were flushed), or when the stream closed. */
  drain(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.flushed !== undefined) return this.flushed;
    return new Promise<void>((resolve) => {
      if (this.drainWaiters === undefined) {
        this.drainWaiters = [];
        this.stream.on("drain", onDrain);
      }
      this.drainWaiters.push(resolve);
    });
  }

  /**
   * Answers a single-response call in one go: headers, the encoded message and the trailers, with
   * one respond() and one write, which leave the process in one socket write (same-write-trailers.ts):
   * a server killed mid-answer leaves the client either nothing of it (retryable) or all of it.
   */
  respond(metadata: Metadata | undefined, encoding: string | undefined, message: Uint8Array, trailers: Metadata | undefined): void {
    if ((this.flags & FINISHED) !== 0 || this.gone()) return;
    if ((this.flags & HEADERS_SENT) === 0) this.sendHeaders(metadata, encoding);
    if ((this.flags & FINISHED) !== 0) return; // the headers were too large: the call failed
    this.flags |= FINISHED;
    this.trailers = trailers === undefined || trailers.size === 0 ? OK_TRAILERS : trailersFromStatus(undefined, trailers);
    // Headers, message and trailers in one socket write where node allows it (same-write-trailers.ts).
    this.endWithLastChunk();
    this.stream.end(message);
    this.afterFinish();
  }

  /**
   * Ends the call with a status: in trailers after any messages, or as a trailers-only response
   * (one HEADERS frame with END_STREAM) when nothing was sent yet. `error` undefined is OK.
   * If the client was still sending, node follows our END_STREAM with RST_STREAM(NO_ERROR) (checklist 18).
   */
  finish(error: GrpcError | undefined, trailers: Metadata | undefined, headers?: Metadata): void {
    if ((this.flags & FINISHED) !== 0 || this.gone()) return;
    this.flags |= FINISHED;
    this.finishStatus = error;
    if (this.trace !== undefined) this.sentStatus = error;
    if ((this.flags & HEADERS_SENT) === 0) {
      this.flags |= HEADERS_SENT;
      const plain = headers === undefined || headers.size === 0;
      const response = plain ? { ...this.baseHeaders } : metadataToHeaders(headers, { ...this.baseHeaders });
      let block = trailersFromStatus(error, trailers, response);
      if (!plain || trailers !== undefined || error !== undefined) {
        const oversize = oversizeError(block, "trailers-only response");
        if (oversize !== undefined) {
          this.finishStatus = oversize;
          block = trailersFromStatus(oversize, undefined, { ...this.baseHeaders });
        }
      }
      this.trace?.headers("trailers-sent", block, { trailersOnly: true });
      this.stream.respond(block, TRAILERS_ONLY);
      this.connection.onSend();
      // node adds RST_STREAM(NO_ERROR) only after a response that ends without trailers (never
      // ours: sendTrailers() does it for the others), and not after a trailers-only one: without
      // it, a client still sending would wait forever (checklist 18).
      if (!this.stream.readableEnded) setImmediate(closeUnlessEnded, this.stream);
    } else {
      this.trailers = trailersFromStatus(error, trailers);
      // The last message still queued and the trailers in one write; not for an expired call,
      // whose RST_STREAM(CANCEL) must follow its trailers (finishAndCancel sets the flag after).
      if (error?.code !== Code.DeadlineExceeded) this.endWithLastChunk();
      this.stream.end();
    }
    this.afterFinish();
  }

  /**
   * Ends the call with a status and then RST_STREAM(CANCEL): how a server reports an expired
   * deadline (checklist 21). When messages are still queued, the trailers wait for them; if the
   * client does not read them within CANCEL_FALLBACK_MS, the reset goes without the trailers.
   */
  finishAndCancel(error: GrpcError, trailers: Metadata | undefined): void {
    if ((this.flags & FINISHED) !== 0 || this.gone()) return;
    this.reader?.abort(error);
    // The handler's signal aborts too: it is not to go on as if its call were still running.
    this.closeReason ??= error;
    this.controller?.abort(this.closeReason);
    const trailersOnly = (this.flags & HEADERS_SENT) === 0;
    this.finish(error, trailers);
    if (trailersOnly) this.cancel(RstCode.Cancel, error);
    else {
      this.flags |= CANCEL_AFTER_TRAILERS;
      setTimeout(cancelStream, CANCEL_FALLBACK_MS, this.stream).unref();
    }
  }

  /** Resets the stream with `rstCode` now; `reason` becomes the signal's reason. */
  cancel(rstCode: number, reason: GrpcError): void {
    this.flags |= FINISHED;
    this.closeReason ??= reason;
    this.reader?.abort(reason);
    this.controller?.abort(this.closeReason);
    if (!this.stream.closed && !this.stream.destroyed) {
      this.trace?.reset(true, rstCode, reason.message);
      this.stream.close(rstCode);
    }
  }

  /**
   * True when node can no longer take anything for this stream. node destroys a stream (a lost
   * connection, a reset) a tick before it emits 'close', and writing in between would throw.
   */
  private gone(): boolean {
    if ((this.flags & CLOSED) !== 0) return true;
    return this.stream.destroyed || this.stream.closed;
  }

  private openReader(maxBytes: number, single: boolean): FrameQueue {
    const reader = new FrameQueue(this.stream, maxBytes, single ? SINGLE_MESSAGE : DEFAULT_HIGH_WATER_BYTES, "server: request");
    this.reader = reader;
    this.stream.on("data", onData);
    this.stream.on("end", onEnd);
    if (this.closeReason !== undefined) reader.abort(this.closeReason);
    return reader;
  }

  /** The response headers; the shared frozen object when there is nothing to add (node copies what it sends). */
  private responseHeaders(metadata: Metadata | undefined, encoding: string | undefined): OutgoingHttpHeaders {
    const empty = metadata === undefined || metadata.size === 0;
    if (empty && encoding === undefined) return RESPONSE_HEADERS;
    const headers: OutgoingHttpHeaders = { ...RESPONSE_HEADERS };
    if (encoding !== undefined) headers[GRPC_ENCODING] = encoding;
    return empty ? headers : metadataToHeaders(metadata, headers);
  }

  /**
   * After our END_STREAM, request DATA still arriving is dropped. node itself follows our
   * END_STREAM with RST_STREAM(NO_ERROR) when the client had not half-closed yet (checklist 18);
   * closing the stream ourselves here would race the trailers and lose them.
   */
  /** Lets the stream's last chunk and its trailers leave in one socket write, where node allows it. */
  private endWithLastChunk(): void {
    const access = sameWriteAccess(this.stream);
    if (access === undefined) return;
    access.endWithLastChunk(this.stream);
    this.flags |= ENDED_WITH_LAST_CHUNK;
  }

  private afterFinish(): void {
    this.reader?.stop();
  }

  /** @internal 'wantTrailers' handler. */
  sendTrailers(): void {
    let trailers = this.trailers ?? OK_TRAILERS;
    this.trailers = undefined;
    if (this.gone()) return;
    if (trailers !== OK_TRAILERS) {
      const oversize = oversizeError(trailers, "trailers");
      if (oversize !== undefined) trailers = trailersFromStatus(oversize, undefined);
    }
    this.trace?.headers("trailers-sent", trailers);
    // Submitted now, they leave in the socket write of the last DATA frame; node's sendTrailers()
    // would submit them a turn later, in a write of their own.
    // An expired call's trailers go node's way: its RST_STREAM(CANCEL) must follow them a turn later.
    const now = (this.flags & CANCEL_AFTER_TRAILERS) === 0 && sameWriteAccess(this.stream)?.submitTrailers(this.stream, trailers) === true;
    if (!now) this.stream.sendTrailers(trailers);
    // A reset in the same tick would overtake the trailers; one turn later they are on the wire.
    if ((this.flags & CANCEL_AFTER_TRAILERS) !== 0) setImmediate(cancelStream, this.stream);
    // node closes a stream the client still sends on after a response without trailers, but not
    // after one with trailers: a client that never half-closes would hold the stream (and a slot
    // of maxConcurrentStreams) for good. RST_STREAM(NO_ERROR) ends it (checklist 18).
    else if (!this.stream.readableEnded) setImmediate(closeUnlessEnded, this.stream);
  }

  /** @internal The end of the tick whose writes were corked. */
  uncork(): void {
    this.flags &= ~CORKED;
    if (!this.stream.destroyed) this.stream.uncork();
  }

  /** @internal 'close' handler. */
  onClose(): void {
    if ((this.flags & ENDED_WITH_LAST_CHUNK) !== 0) sameWriteAccess(this.stream)?.afterClose(this.stream);
    const cutOff = (this.flags & FINISHED) === 0;
    this.flags |= CLOSED;
    this.connection.remove(this);
    if ((this.flags & FINISHED) === 0 || this.closeReason !== undefined) {
      if ((this.flags & FINISHED) === 0) this.connection.onPeerReset();
      this.flags |= FINISHED;
      const rstCode = this.stream.rstCode ?? RstCode.Cancel;
      this.closeReason ??= new GrpcError(
        Code.Cancelled,
        rstCode === RstCode.Cancel
          ? "http2: the client cancelled the call (RST_STREAM CANCEL)"
          : `http2: the stream closed before the call finished (${describeRstCode(rstCode)})`,
      );
      this.reader?.abort(this.closeReason);
      this.controller?.abort(this.closeReason);
    }
    if (this.trace !== undefined) traceClose(this.trace, cutOff ? this.stream.rstCode : undefined, this.closeReason ?? this.sentStatus);
    this.onDrain();
  }

  /** @internal 'drain' handler. */
  onDrain(): void {
    const waiters = this.drainWaiters;
    if (waiters === undefined || waiters.length === 0) return;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * INTERNAL naming the limit when a header block is over what node:http2 sends (it would reset
 * the stream with FRAME_SIZE_ERROR, a cause the client could not see); undefined when it fits.
 */
function oversizeError(headers: OutgoingHttpHeaders, what: string): GrpcError | undefined {
  const bytes = headerListBytes(headers);
  if (bytes <= MAX_SEND_HEADER_BLOCK_BYTES) return undefined;
  return new GrpcError(
    Code.Internal,
    `server: the ${what} take ${bytes} bytes of metadata, over node:http2's limit of ${MAX_SEND_HEADER_BLOCK_BYTES} bytes for a header block the server sends (maxSendHeaderBlockLength); the metadata was not sent`,
  );
}

// Shared listeners (no closure per call): `this` is the node stream, which points at its owner.
function onData(this: OwnedStream, chunk: Buffer): void {
  this[OWNER]!.reader!.push(chunk);
}

function onEnd(this: OwnedStream): void {
  this[OWNER]!.reader!.end();
}

function onClose(this: OwnedStream): void {
  this[OWNER]!.onClose();
}

function onWantTrailers(this: OwnedStream): void {
  this[OWNER]!.sendTrailers();
}

function uncork(owner: ServerStream): void {
  owner.uncork();
}

function onDrain(this: OwnedStream): void {
  this[OWNER]!.onDrain();
}

/** RST_STREAM(NO_ERROR) after our END_STREAM, unless the client has half-closed too. */
function closeUnlessEnded(stream: ServerHttp2Stream): void {
  if (!stream.closed && !stream.destroyed && !stream.readableEnded) stream.close(RstCode.NoError);
}

function cancelStream(stream: ServerHttp2Stream): void {
  if (!stream.closed && !stream.destroyed) stream.close(RstCode.Cancel);
}

// 'error' is always followed by 'close', which reports the reset through `signal`.
function onError(): void {}

/** Trace: a reset by the client, then the end of the call with the status sent (or why it was cut off). */
function traceClose(trace: CallTrace, peerRstCode: number | undefined, status: GrpcError | undefined): void {
  if (peerRstCode !== undefined) trace.reset(false, peerRstCode);
  trace.end(status);
}
