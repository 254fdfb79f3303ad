import type { Frame } from "../framing/index.js";
import type { FrameQueue, FrameWaiter } from "../http2/index.js";
import type { GrpcError } from "../status/index.js";
import type { ServerCall } from "./server-call.js";

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

function resultOf(message: unknown): IteratorYieldResult<unknown> {
  return { done: false, value: message };
}

/**
 * The request messages of a streaming call, as the async iterable its handler reads. A frame
 * is decoded as it is taken; the promise of next() is the only one per message (an async
 * generator over a frame iterator costs three), and it is settled from node's 'data' event
 * when the handler had to wait.
 *
 * A read error (framing, a reset, an expired deadline) rejects next() and every call after it; a
 * message that cannot be decoded rejects its own next().
 */
export class RequestMessages implements AsyncIterableIterator<unknown>, FrameWaiter {
  private readonly call: ServerCall;
  /** Opened on the first next(): a request nobody reads is left to node (see ServerStream.finish). */
  private reader: FrameQueue | undefined;
  private closed = false;
  private resolve: ((result: IteratorResult<unknown> | Promise<IteratorResult<unknown>>) => void) | undefined;
  private reject: ((error: unknown) => void) | undefined;

  constructor(call: ServerCall) {
    this.call = call;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this;
  }

  next(): Promise<IteratorResult<unknown>> {
    if (this.closed) return Promise.resolve(DONE);
    const reader = (this.reader ??= this.call.readFrames());
    const frame = reader.take();
    if (frame === undefined)
      return new Promise((resolve, reject) => {
        this.resolve = resolve;
        this.reject = reject;
        reader.waitForFrame(this);
      });
    try {
      return Promise.resolve(this.decode(frame));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Called by `for await` on break: the rest of the request is read and dropped. */
  return(): Promise<IteratorResult<unknown>> {
    this.closed = true;
    this.reader?.stop();
    return Promise.resolve(DONE);
  }

  /** @internal FrameWaiter: the frame a waiting next() gets. */
  onFrame(frame: Frame): void {
    const resolve = this.resolve!;
    const reject = this.reject!;
    this.resolve = this.reject = undefined;
    try {
      resolve(this.decode(frame));
    } catch (error) {
      reject(error);
    }
  }

  /** @internal FrameWaiter */
  onEnd(): void {
    const resolve = this.resolve!;
    this.resolve = this.reject = undefined;
    resolve(DONE);
  }

  /** @internal FrameWaiter */
  onReadError(error: GrpcError): void {
    const reject = this.reject!;
    this.resolve = this.reject = undefined;
    reject(error);
  }

  private decode(frame: Frame): IteratorResult<unknown> | Promise<IteratorResult<unknown>> {
    const message = this.call.decode(frame);
    return message instanceof Promise ? message.then(resultOf) : resultOf(message);
  }
}
