import type { ServerHttp2Stream } from "node:http2";
import { FRAME_HEADER_BYTES, type Frame, FrameDecoder } from "../../framing/index.js";
import { Code, GrpcError } from "../../status/index.js";

const READER = Symbol("tsgrpc.requestReader");

/** Frames queued before the reader pauses the socket, so a slow handler paces a fast client. */
const HIGH_WATER_FRAMES = 16;

type ReaderStream = ServerHttp2Stream & { [READER]?: RequestReader };

/** Who receives a request that should hold one message (see RequestReader.readSingle). */
export interface SingleRequestConsumer {
  /** The frames: on END_STREAM, or at a second frame (the caller checks the count). */
  onRequest(frames: Frame[]): void;
  /** The read failed: a framing error, a message cut short, or the stream closed first. */
  onRequestError(error: GrpcError): void;
}

/** Who waits for the next frame of a streaming request (see RequestReader.waitForFrame). */
export interface FrameWaiter {
  onFrame(frame: Frame): void;
  /** END_STREAM: every frame was delivered. */
  onEnd(): void;
  /** The read failed: a framing error, a message cut short, or the stream closed first. */
  onRequestError(error: GrpcError): void;
}

/**
 * Turns the DATA of one request into frames, driven by node's 'data' events (no generator per
 * chunk): either all at once for single-request calls (`readSingle`, a callback from the 'data' or
 * 'end' event itself), or one at a time for streaming requests (`take`, else `waitForFrame`), with
 * backpressure: the stream pauses while frames pile up unread.
 *
 * Errors end the read: a framing error (limit, flag), a message cut short at END_STREAM, or the
 * stream closing before END_STREAM (CANCELLED, or the reason given to `abort`).
 */
export class RequestReader {
  /** True once END_STREAM arrived and every byte was framed. */
  ended = false;
  private readonly stream: ReaderStream;
  private readonly maxBytes: number;
  /** Created on first need: single-message requests that arrive whole never need one. */
  private decoder: FrameDecoder | undefined;
  /** Single mode: the chunks held until END_STREAM (at most one message's worth). */
  private held: Buffer[] | undefined;
  private heldBytes = 0;
  private readonly frames: Frame[] = [];
  private readonly single: boolean;
  private error: GrpcError | undefined;
  private consumer: SingleRequestConsumer | undefined;
  private waiter: FrameWaiter | undefined;
  private paused = false;
  private stopped = false;

  constructor(stream: ServerHttp2Stream, maxBytes: number, single: boolean) {
    this.stream = stream as ReaderStream;
    this.maxBytes = maxBytes;
    if (!single) this.decoder = new FrameDecoder(maxBytes);
    this.single = single;
    this.stream[READER] = this;
    stream.on("data", onData);
    stream.on("end", onEnd);
  }

  /**
   * Hands `consumer` the frames of a request that should hold exactly one message: on END_STREAM,
   * or as soon as a second frame shows the request has too many (the caller checks the count).
   * Called at once if that is already known, else from node's event.
   */
  readSingle(consumer: SingleRequestConsumer): void {
    if (this.error !== undefined) consumer.onRequestError(this.error);
    else if (this.ended || this.frames.length > 1) consumer.onRequest(this.frames);
    else this.consumer = consumer;
  }

  /** The next frame if one is already here (no promise): the fast path of a consumer that decodes as it takes. */
  take(): Frame | undefined {
    const frame = this.frames.shift();
    if (frame !== undefined && this.paused && this.frames.length < HIGH_WATER_FRAMES / 2) {
      this.paused = false;
      this.stream.resume();
    }
    return frame;
  }

  /**
   * For a streaming request when take() found nothing: calls `waiter` back with the next frame,
   * the end, or the error (at once if the read is already over).
   */
  waitForFrame(waiter: FrameWaiter): void {
    if (this.error !== undefined) waiter.onRequestError(this.error);
    else if (this.ended || this.stopped) waiter.onEnd();
    else this.waiter = waiter;
  }

  /** Stops delivering frames; what still arrives is discarded. */
  stop(): void {
    this.stopped = true;
    this.frames.length = 0;
    this.held = undefined;
    if (this.paused) {
      this.paused = false;
      this.stream.resume();
    }
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.onEnd();
  }

  /** Ends the read with `reason` (peer reset, deadline, shutdown), unless it already ended. */
  abort(reason: GrpcError): void {
    if (this.ended || this.error !== undefined) return;
    this.fail(reason);
  }

  /** @internal 'data' handler. */
  push(chunk: Buffer): void {
    if (this.error !== undefined || this.stopped) return;
    if (this.decoder === undefined) {
      // Single mode holds the request until END_STREAM, but never more than one valid message.
      const before = this.heldBytes;
      this.heldBytes += chunk.length;
      (this.held ??= []).push(chunk);
      // The prefix is checked as soon as it is complete (checklist 8, 10): a bad flag or an
      // oversized length fails the call now, not at an END_STREAM that may never come.
      if (this.heldBytes <= this.maxBytes + FRAME_HEADER_BYTES && (before >= FRAME_HEADER_BYTES || this.heldPrefixIsValid())) return;
      this.decodeHeld();
      return;
    }
    this.decode(chunk);
  }

  /** @internal 'end' handler. */
  finish(): void {
    if (this.error !== undefined) return;
    if (this.decoder === undefined && !this.takeWholeMessage()) this.decodeHeld();
    if (this.error !== undefined) return;
    try {
      this.decoder?.end();
    } catch (error) {
      this.fail(error as GrpcError);
      return;
    }
    this.ended = true;
    if (this.single) this.settle();
    else {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.onEnd();
    }
  }

  /**
   * The fast path of single mode: a request that is exactly one well-formed message in one
   * chunk (or no message at all) becomes its frame without a FrameDecoder. Anything else, errors
   * included, goes through the decoder, which has the one definition of what is wrong.
   */
  private takeWholeMessage(): boolean {
    const held = this.held;
    if (held === undefined) return true;
    if (held.length !== 1) return false;
    const chunk = held[0]!;
    if (chunk.length < FRAME_HEADER_BYTES) return false;
    const flag = chunk[0]!;
    const length = chunk.readUInt32BE(1);
    if (flag > 1 || length !== chunk.length - FRAME_HEADER_BYTES || length > this.maxBytes) return false;
    this.held = undefined;
    this.frames.push({ compressed: flag === 1, payload: chunk.subarray(FRAME_HEADER_BYTES) });
    return true;
  }

  /** Single mode: whether the held bytes start with a possible prefix (true while shorter than one). */
  private heldPrefixIsValid(): boolean {
    if (this.heldBytes < FRAME_HEADER_BYTES) return true;
    const held = this.held!;
    const first = held.length === 1 ? held[0]! : Buffer.concat(held, FRAME_HEADER_BYTES);
    return first[0]! <= 1 && first.readUInt32BE(1) <= this.maxBytes;
  }

  /** Moves single mode onto a FrameDecoder, feeding it what was held. */
  private decodeHeld(): void {
    this.decoder = new FrameDecoder(this.maxBytes);
    const held = this.held ?? [];
    this.held = undefined;
    for (const chunk of held) if (this.error === undefined && !this.stopped) this.decode(chunk);
  }

  private decode(chunk: Uint8Array): void {
    let frames: Frame[];
    try {
      frames = this.decoder!.push(chunk);
    } catch (error) {
      this.fail(error as GrpcError);
      return;
    }
    for (const frame of frames) this.frames.push(frame);
    if (this.single) {
      if (this.frames.length > 1) this.settle();
      return;
    }
    const waiter = this.waiter;
    if (waiter !== undefined && this.frames.length > 0) {
      this.waiter = undefined;
      waiter.onFrame(this.frames.shift()!);
    }
    if (!this.paused && this.frames.length >= HIGH_WATER_FRAMES) {
      this.paused = true;
      this.stream.pause();
    }
  }

  private settle(): void {
    const consumer = this.consumer;
    this.consumer = undefined;
    consumer?.onRequest(this.frames);
  }

  private fail(error: GrpcError): void {
    this.error = GrpcError.from(error, Code.Internal, "http2: request could not be read");
    this.frames.length = 0;
    this.held = undefined;
    const consumer = this.consumer;
    const waiter = this.waiter;
    this.consumer = this.waiter = undefined;
    consumer?.onRequestError(this.error);
    waiter?.onRequestError(this.error);
  }
}

// Shared listeners (no closure per call): `this` is the node stream, which points at its reader.
function onData(this: ReaderStream, chunk: Buffer): void {
  this[READER]!.push(chunk);
}

function onEnd(this: ReaderStream): void {
  this[READER]!.finish();
}
