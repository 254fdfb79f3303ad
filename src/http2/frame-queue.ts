import { FRAME_HEADER_BYTES, type Frame, FrameDecoder } from "../framing/index.js";
import type { GrpcError } from "../status/index.js";

/** What a FrameQueue paces: node's Http2Stream has both methods, so the stream itself is passed (no closure per call). */
export interface FlowControl {
  pause(): unknown;
  resume(): unknown;
}

/** Who waits for the next frame of a streaming read (see FrameQueue.waitForFrame); called back once. */
export interface FrameWaiter {
  onFrame(frame: Frame): void;
  /** The read ended (END_STREAM, or stop()) and every frame was taken. */
  onEnd(): void;
  /** The read failed: a framing error, a message cut short, or the reason given to fail() or abort(). */
  onReadError(error: GrpcError): void;
}

/** Who receives the frames of a read that should hold one message (see FrameQueue.readSingle); called back once. */
export interface SingleFrameConsumer {
  /** The frames: at the end, or as soon as a second one arrived (the consumer checks the count). */
  onFrames(frames: Frame[]): void;
  /** The read failed: a framing error, a message cut short, or the reason given to fail() or abort(). */
  onReadError(error: GrpcError): void;
}

/** Frames queued beyond this many bytes pause the stream until the reader catches up. */
export const DEFAULT_HIGH_WATER_BYTES = 64 * 1024;

/** The `highWaterBytes` of a read that should hold one message: it is never paused, and is held whole until its end. */
export const SINGLE_MESSAGE = 0;

/**
 * What one queued frame counts for on top of its payload: the Frame object and its payload view,
 * so a flood of empty messages is paced too.
 */
const FRAME_OVERHEAD_BYTES = 128;

const PAUSED = 1;
const ENDED = 2;
const STOPPED = 4;
const FAILED = 8;
/** A single read past holding: its chunks are framed as they come. */
const DECODING = 16;
const OVER = ENDED | STOPPED | FAILED;

const NO_FRAMES: Frame[] = [];

function frameBytes(frame: Frame): number {
  return frame.payload.length + FRAME_OVERHEAD_BYTES;
}

/**
 * The received half of one HTTP/2 stream as gRPC frames, for both roles: DATA chunks go in
 * (`push`, from node's 'data' event), frames come out (`take`, else `waitForFrame`), with
 * backpressure: past `highWaterBytes` of unread frames the stream is paused, and it resumes once
 * the reader has taken them down to half of that.
 *
 * A read that should hold one message (a unary or server-streaming request, a unary response;
 * `highWaterBytes` SINGLE_MESSAGE) holds its chunks until the end; the consumer of `readSingle`
 * hears at the end, or as soon as a second frame shows there are too many. Whole messages lying
 * in one chunk become views of it without a FrameDecoder: one is created only for a message that
 * spans chunks (or a chunk that is wrong), so most calls never allocate one.
 *
 * The read ends once: at END_STREAM (`end`, which fails if a message was cut short), with an
 * error (a framing error, `fail`, `abort`), or by `stop`. After that, DATA is dropped and the
 * stream is resumed, so node can deliver its 'end' and 'close'. Frames queued before an error
 * are still taken before the error is reported, except after abort() and stop().
 *
 * It lives in http2/, not framing/: it paces a node stream and is shared by http2/client and
 * http2/server only; framing/ stays the pure message format.
 * https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md#data-frames
 */
export class FrameQueue {
  private readonly flow: FlowControl;
  private readonly maxBytes: number;
  private readonly limitName: string | undefined;
  private readonly highWaterBytes: number;
  private flags = 0;
  /** Created when a message first spans two chunks, or a chunk is wrong (see decode). */
  private decoder: FrameDecoder | undefined;
  /** Single reads, before any decoding: the chunks held until the end. */
  private held: Uint8Array[] | undefined;
  /** The bytes held (single reads, before decoding), else the bytes the queued frames count for. */
  private bytes = 0;
  /** Created when a frame must wait for its reader; reused once drained. */
  private frames: Frame[] | undefined;
  private head = 0;
  private error: GrpcError | undefined;
  /** The FrameWaiter of a streaming read, or the SingleFrameConsumer of a single one. */
  private listener: FrameWaiter | SingleFrameConsumer | undefined;

  /**
   * @param flow paused and resumed as frames pile up; usually the node stream itself.
   * @param maxBytes the receive limit per message (RESOURCE_EXHAUSTED beyond it).
   * @param highWaterBytes when to pause, or SINGLE_MESSAGE for a read that should hold one message.
   * @param limitName the side and what it receives ("client: response"), named when a message is over the limit.
   */
  constructor(flow: FlowControl, maxBytes: number, highWaterBytes: number = DEFAULT_HIGH_WATER_BYTES, limitName?: string) {
    this.flow = flow;
    this.maxBytes = maxBytes;
    this.limitName = limitName;
    this.highWaterBytes = highWaterBytes;
  }

  /** How many frames are queued, not yet taken. */
  get length(): number {
    return this.frames === undefined ? 0 : this.frames.length - this.head;
  }

  /** The error that ended the read, if one did. */
  get failure(): GrpcError | undefined {
    return this.error;
  }

  /** Takes a DATA chunk (node's 'data' event). A framing error ends the read with it. */
  push(chunk: Uint8Array): void {
    if ((this.flags & OVER) !== 0) return;
    if (this.highWaterBytes === SINGLE_MESSAGE && (this.flags & DECODING) === 0) this.hold(chunk);
    else this.decode(chunk);
  }

  /** END_STREAM: every chunk arrived. Ends the read, with an error if a message was cut short. */
  end(): void {
    if ((this.flags & OVER) !== 0) return;
    if (this.highWaterBytes === SINGLE_MESSAGE && (this.flags & DECODING) === 0) this.decodeHeld();
    if ((this.flags & OVER) !== 0) return;
    try {
      this.decoder?.end();
    } catch (error) {
      this.fail(error as GrpcError);
      return;
    }
    this.flags |= ENDED;
    const listener = this.listener;
    this.listener = undefined;
    if (this.highWaterBytes === SINGLE_MESSAGE) (listener as SingleFrameConsumer | undefined)?.onFrames(this.frames ?? NO_FRAMES);
    else (listener as FrameWaiter | undefined)?.onEnd();
  }

  /** Ends the read with `error`, unless it already ended; frames queued before it are still taken first. */
  fail(error: GrpcError): void {
    if ((this.flags & OVER) === 0) this.failWith(error);
  }

  /**
   * Ends the read with `reason` (a reset, a deadline, a shutdown) unless it ended at END_STREAM
   * or with an error already, dropping the queued frames. After stop() it still records the reason.
   */
  abort(reason: GrpcError): void {
    if ((this.flags & (ENDED | FAILED)) !== 0) return;
    this.drop();
    this.failWith(reason);
  }

  /** Stops delivering frames: the queued ones and whatever still arrives are dropped; a waiter hears the end. */
  stop(): void {
    this.flags |= STOPPED;
    this.drop();
    this.resumeFlow();
    const listener = this.listener;
    this.listener = undefined;
    (listener as FrameWaiter | undefined)?.onEnd();
  }

  /** The next frame if one is queued (no promise): the fast path of a reader that decodes as it takes. */
  take(): Frame | undefined {
    const frames = this.frames;
    if (frames === undefined || this.head === frames.length) return undefined;
    const frame = frames[this.head]!;
    frames[this.head++] = undefined as unknown as Frame;
    if (this.head === frames.length) {
      frames.length = 0;
      this.head = 0;
    }
    this.bytes -= frameBytes(frame);
    if ((this.flags & PAUSED) !== 0 && this.bytes < this.highWaterBytes / 2) {
      this.flags &= ~PAUSED;
      this.flow.resume();
    }
    return frame;
  }

  /** Every queued frame (a single read's, once it ended). */
  takeAll(): Frame[] {
    const frames = this.frames;
    if (frames === undefined) return [];
    const all = this.head === 0 ? frames : frames.slice(this.head);
    this.frames = undefined;
    this.head = 0;
    this.bytes = 0;
    return all;
  }

  /**
   * When take() found nothing: calls `waiter` back once, with the next frame, the end or the
   * error; at once if the read is already over.
   */
  waitForFrame(waiter: FrameWaiter): void {
    if (this.error !== undefined) waiter.onReadError(this.error);
    else if ((this.flags & (ENDED | STOPPED)) !== 0) waiter.onEnd();
    else this.listener = waiter;
  }

  /**
   * For a single read: hands `consumer` the frames once the read ended, or as soon as a second
   * frame arrived (the consumer checks the count); at once if that is already known.
   */
  readSingle(consumer: SingleFrameConsumer): void {
    if (this.error !== undefined) consumer.onReadError(this.error);
    else if ((this.flags & ENDED) !== 0 || this.length > 1) consumer.onFrames(this.frames ?? NO_FRAMES);
    else this.listener = consumer;
  }

  /**
   * Single reads hold their chunks until the end, but never more than one message: the prefix
   * is checked as soon as it is complete (a bad flag or an oversized length fails the read now,
   * not at an END_STREAM that may never come), and a byte past the first message starts decoding.
   */
  private hold(chunk: Uint8Array): void {
    (this.held ??= []).push(chunk);
    this.bytes += chunk.length;
    if (this.bytes < FRAME_HEADER_BYTES) return;
    const flag = this.heldByte(0);
    const length = this.heldByte(1) * 0x100_0000 + ((this.heldByte(2) << 16) | (this.heldByte(3) << 8) | this.heldByte(4));
    if (flag > 1 || length > this.maxBytes || this.bytes > FRAME_HEADER_BYTES + length) this.decodeHeld();
  }

  private heldByte(index: number): number {
    for (const chunk of this.held!) {
      if (index < chunk.length) return chunk[index]!;
      index -= chunk.length;
    }
    return 0;
  }

  /**
   * Frames what a single read held. A request that arrived whole, in one chunk, becomes its frame
   * without a FrameDecoder (see decode).
   */
  private decodeHeld(): void {
    this.flags |= DECODING;
    const held = this.held ?? [];
    this.held = undefined;
    this.bytes = 0;
    for (const chunk of held) if ((this.flags & OVER) === 0) this.decode(chunk);
  }

  /**
   * Frames a chunk. While no message is partly received, the whole messages lying in the chunk
   * become views of it right here (no FrameDecoder, no array per chunk); the decoder, created on
   * first need, takes the rest: a message that continues in the next chunk, and anything wrong,
   * since it has the one definition of what is wrong.
   */
  private decode(chunk: Uint8Array): void {
    const end = chunk.length;
    let offset = 0;
    const decoder = this.decoder;
    if (decoder === undefined || decoder.buffered === 0) {
      while (end - offset >= FRAME_HEADER_BYTES) {
        const flag = chunk[offset]!;
        const length = chunk[offset + 1]! * 0x100_0000 + ((chunk[offset + 2]! << 16) | (chunk[offset + 3]! << 8) | chunk[offset + 4]!);
        const start = offset + FRAME_HEADER_BYTES;
        if (flag > 1 || length > this.maxBytes || end - start < length) break;
        offset = start + length;
        this.deliver({ compressed: flag === 1, payload: chunk.subarray(start, offset) });
        if ((this.flags & OVER) !== 0) return;
      }
    }
    if (offset < end) {
      let frames: Frame[];
      try {
        frames = (this.decoder ??= new FrameDecoder(this.maxBytes, this.limitName)).push(offset === 0 ? chunk : chunk.subarray(offset));
      } catch (error) {
        this.fail(error as GrpcError);
        return;
      }
      for (let index = 0; index < frames.length; index++) {
        this.deliver(frames[index]!);
        if ((this.flags & OVER) !== 0) return;
      }
    }
    if (this.highWaterBytes === SINGLE_MESSAGE) {
      if (this.length > 1) {
        const consumer = this.listener as SingleFrameConsumer | undefined;
        this.listener = undefined;
        consumer?.onFrames(this.frames!);
      }
    } else if ((this.flags & PAUSED) === 0 && this.bytes >= this.highWaterBytes) {
      this.flags |= PAUSED;
      this.flow.pause();
    }
  }

  /** Hands a frame to the waiter of a streaming read (there is one only while the queue is empty), else queues it. */
  private deliver(frame: Frame): void {
    const waiter = this.listener;
    if (waiter !== undefined && this.highWaterBytes !== SINGLE_MESSAGE) {
      this.listener = undefined;
      (waiter as FrameWaiter).onFrame(frame);
    } else this.enqueue(frame);
  }

  private enqueue(frame: Frame): void {
    (this.frames ??= []).push(frame);
    this.bytes += frameBytes(frame);
  }

  private failWith(error: GrpcError): void {
    this.error = error;
    this.flags |= FAILED;
    this.held = undefined;
    this.resumeFlow();
    const listener = this.listener;
    this.listener = undefined;
    listener?.onReadError(error);
  }

  private drop(): void {
    if (this.frames !== undefined) {
      this.frames.length = 0;
      this.head = 0;
    }
    this.held = undefined;
    this.bytes = 0;
  }

  private resumeFlow(): void {
    if ((this.flags & PAUSED) === 0) return;
    this.flags &= ~PAUSED;
    this.flow.resume();
  }
}
