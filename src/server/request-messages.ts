import type { Frame } from "../framing/index.js";
import type { RequestReader } from "../http2/index.js";
import type { ServerCall } from "./server-call.js";

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

function resultOf(message: unknown): IteratorYieldResult<unknown> {
  return { done: false, value: message };
}

/**
 * The request messages of a streaming call, as the async iterable its handler reads: each
 * frame is decoded as it is taken, with one promise per message when the frame is already here
 * (an async generator over the frame iterator would cost three).
 *
 * A read error (framing, a reset, an expired deadline) rejects next() and every call after it; a
 * message that cannot be decoded rejects its own next().
 */
export class RequestMessages implements AsyncIterableIterator<unknown> {
  private readonly call: ServerCall;
  /** Opened on the first next(): a request nobody reads is left to node (see ServerStream.finish). */
  private reader: RequestReader | undefined;
  private closed = false;

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
    if (frame === undefined) return reader.next().then((result) => (result.done ? DONE : this.decode(result.value)));
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

  private decode(frame: Frame): IteratorResult<unknown> | Promise<IteratorResult<unknown>> {
    const message = this.call.decode(frame);
    return message instanceof Promise ? message.then(resultOf) : resultOf(message);
  }
}
