// The client floor: a bare node:http2 client speaking gRPC shape with no gRPC logic (pre-built
// request bytes, no codec, no metadata, no deadline; it only counts response messages by their
// length prefixes and checks grpc-status). Every client figure is also given as a ratio to it.
import http2 from "node:http2";
import { runClientMain, type BenchClient, type PingPong } from "../lib/client-driver.js";
import { MessageCounter } from "../lib/message-counter.js";
import {
  EMPTY_FRAME,
  simpleRequestFrame,
  streamingInputRequestFrame,
  streamingOutputRequestFrame,
  testServicePath,
} from "../lib/messages.js";

function headersFor(method: string): http2.OutgoingHttpHeaders {
  return { ":method": "POST", ":path": testServicePath(method), "content-type": "application/grpc", te: "trailers" };
}

class FloorClient implements BenchClient {
  private readonly session: http2.ClientHttp2Session;
  private readonly unaryBodies = new Map<number, Buffer>();
  private readonly streamBodies = new Map<string, Buffer>();

  constructor(target: string) {
    this.session = http2.connect(`http://${target}`);
    // A lost connection fails the next request with its own error; nothing to report here.
    this.session.on("error", () => undefined);
  }

  /** Sends one request body, resolves with the number of response messages after an OK status. */
  private call(
    method: string,
    body: Buffer | undefined,
    counter = new MessageCounter(),
    writeFirst?: (stream: http2.ClientHttp2Stream) => void,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      const stream = this.session.request(headersFor(method));
      let status: string | undefined;
      stream.on("response", (headers) => (status = headers["grpc-status"] as string | undefined));
      stream.on("trailers", (trailers) => (status = trailers["grpc-status"] as string | undefined));
      stream.on("data", (chunk: Buffer) => counter.push(chunk));
      stream.on("error", reject);
      stream.on("close", () => (status === "0" ? resolve(counter.count) : reject(new Error(`floor: grpc-status ${status}`))));
      writeFirst?.(stream);
      stream.end(body);
    });
  }

  emptyCall(): Promise<void> {
    return this.call("EmptyCall", Buffer.from(EMPTY_FRAME)).then(() => undefined);
  }

  unaryCall(size: number): Promise<void> {
    let body = this.unaryBodies.get(size);
    if (body === undefined) this.unaryBodies.set(size, (body = Buffer.from(simpleRequestFrame(size))));
    return this.call("UnaryCall", body).then(() => undefined);
  }

  private streamBody(key: string, build: () => Uint8Array): Buffer {
    let body = this.streamBodies.get(key);
    if (body === undefined) this.streamBodies.set(key, (body = Buffer.from(build())));
    return body;
  }

  serverStream(count: number): Promise<number> {
    return this.call(
      "StreamingOutputCall",
      this.streamBody(`out${count}`, () => streamingOutputRequestFrame(count, 1024)),
    );
  }

  /** Writes `count` copies of `message`, one write each as a streaming application would; resolves with the responses counted. */
  /** Writes `count` copies of one request message, then resolves like call(). */
  private stream(method: string, message: Buffer, count: number): Promise<number> {
    return this.call(method, undefined, undefined, (stream) => {
      for (let i = 0; i < count; i++) stream.write(message);
    });
  }

  clientStream(count: number): Promise<void> {
    return this.stream(
      "StreamingInputCall",
      this.streamBody("in", () => streamingInputRequestFrame(1024)),
      count,
    ).then(() => undefined);
  }

  bidiStream(count: number): Promise<number> {
    return this.stream(
      "FullDuplexCall",
      this.streamBody("duplex", () => streamingOutputRequestFrame(1, 1024)),
      count,
    );
  }

  async openPingPong(size: number): Promise<PingPong> {
    const request = Buffer.from(streamingOutputRequestFrame(1, size, size));
    let answered: (() => void) | undefined;
    const stream = this.session.request(headersFor("FullDuplexCall"));
    const counter = new MessageCounter(() => answered?.());
    stream.on("data", (chunk: Buffer) => counter.push(chunk));
    const closed = new Promise<void>((resolve, reject) => {
      stream.on("error", reject);
      stream.on("close", resolve);
    });
    return {
      roundTrip: () =>
        new Promise<void>((resolve) => {
          answered = resolve;
          stream.write(request);
        }),
      close: () => {
        stream.end();
        return closed;
      },
    };
  }

  close(): void {
    this.session.close();
  }
}

await runClientMain("floor", (target) => new FloorClient(target));
