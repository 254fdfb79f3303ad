/** An async iterable of requests that the case pushes one at a time (ping_pong, the cancel cases). */
export class RequestQueue<T> implements AsyncIterable<T> {
  private readonly values: T[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  /** Queues the next request. */
  push(value: T): void {
    this.values.push(value);
    this.wake?.();
  }

  /** Ends the requests (the client half-closes once the queue is drained). */
  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** The requests, as they are pushed; ends after close(). */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const next = this.values.shift();
      if (next !== undefined) yield next;
      else if (this.closed) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
