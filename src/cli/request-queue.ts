/**
 * An async iterable of values pushed one at a time: the request side of a stream whose requests
 * are known only as it goes (the reflection client's next question, a line read from stdin).
 */
export class RequestQueue<T> implements AsyncIterable<T> {
  readonly #values: T[] = [];
  #ended = false;
  #wake: (() => void) | undefined;

  /** Queues a value for the consumer. */
  push(value: T): void {
    if (this.#ended) throw new RangeError("client: push after end");
    this.#values.push(value);
    this.#wake?.();
  }

  /** Ends the iterable after the values already queued. */
  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const value = this.#values.shift();
      if (value !== undefined) {
        yield value;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}
