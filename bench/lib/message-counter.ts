// Counts complete gRPC Length-Prefixed-Messages across chunks without copying them: all the
// "decoding" the floor client and the harness's probe need.

/** Feed it response chunks; `count` is the number of complete messages so far. */
export class MessageCounter {
  count = 0;
  private headerBytes = 0;
  private length = 0;
  private remaining = 0;

  /** `onMessage` runs once per completed message. */
  constructor(private readonly onMessage?: () => void) {}

  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - offset);
        offset += take;
        this.remaining -= take;
        if (this.remaining === 0) this.complete();
        continue;
      }
      // Byte 0 is the compressed flag, bytes 1-4 the big-endian length.
      this.length = this.headerBytes === 0 ? 0 : this.length * 256 + chunk[offset]!;
      offset++;
      if (++this.headerBytes === 5) {
        this.headerBytes = 0;
        this.remaining = this.length;
        if (this.remaining === 0) this.complete();
      }
    }
  }

  private complete(): void {
    this.count++;
    this.onMessage?.();
  }
}
