// A raw HTTP/1.1 client for the web limit tests: requests written as text, answers read as text.
import { type Socket, connect as netConnect } from "node:net";

/** A raw HTTP/1.1 connection: write requests as text, read what comes back, see when it closes. */
export class RawHttp1 {
  readonly socket: Socket;
  received = "";
  closed = false;
  readonly closedAt: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      this.received += chunk;
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on("error", () => {});
    // A client that never closes its side by itself (allowHalfOpen): the server's FIN ('end') is
    // what tells that the server closed the connection.
    this.closedAt = new Promise((resolve) => {
      const onClosed = (): void => {
        this.closed = true;
        for (const wake of this.waiters.splice(0)) wake();
        resolve();
      };
      socket.once("end", onClosed);
      socket.once("close", onClosed);
    });
  }

  static open(port: number): Promise<RawHttp1> {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: "127.0.0.1", port, allowHalfOpen: true }, () => resolve(new RawHttp1(socket)));
      socket.once("error", reject);
    });
  }

  write(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Waits until what was received matches `pattern` (or the connection closed); rejects after `timeoutMs`. */
  async until(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.received)) {
      if (this.closed) throw new Error(`connection closed before ${pattern}; received ${JSON.stringify(this.received)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${pattern} within ${timeoutMs} ms; received ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A Connect unary JSON request as HTTP/1.1 text. */
export function connectRequest(path: string, json: object, extraHeaders = ""): string {
  const body = JSON.stringify(json);
  return `POST ${path} HTTP/1.1\r\nhost: test\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extraHeaders}\r\n${body}`;
}
