// A small raw HTTP/2 peer over net.Socket for hostile-peer tests: it writes any frame, valid or
// not (RFC 9113 §4.1 layout, HPACK literals without Huffman coding, RFC 7541 §6.2.2), and parses
// what comes back so a test can wait for a GOAWAY, a RST_STREAM or the socket closing.
import net from "node:net";

/** The client connection preface (RFC 9113 §3.4). */
export const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** Frame types (RFC 9113 §6). */
export const FrameType = {
  Data: 0x0,
  Headers: 0x1,
  Priority: 0x2,
  RstStream: 0x3,
  Settings: 0x4,
  PushPromise: 0x5,
  Ping: 0x6,
  GoAway: 0x7,
  WindowUpdate: 0x8,
  Continuation: 0x9,
} as const;

/** Frame flags (RFC 9113 §6). */
export const Flag = { EndStream: 0x1, Ack: 0x1, EndHeaders: 0x4, Padded: 0x8, Priority: 0x20 } as const;

/** HTTP/2 error codes (RFC 9113 §7). */
export const ErrorCode = {
  NoError: 0x0,
  ProtocolError: 0x1,
  InternalError: 0x2,
  FlowControlError: 0x3,
  StreamClosed: 0x5,
  FrameSizeError: 0x6,
  RefusedStream: 0x7,
  Cancel: 0x8,
  CompressionError: 0x9,
  EnhanceYourCalm: 0xb,
} as const;

/** One frame as read from the wire. */
export interface RawFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

/** Encodes one frame: 24-bit length, type, flags, 31-bit stream id, payload. */
export function encodeFrame(type: number, flags: number, streamId: number, payload: Uint8Array = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId >>> 0, 5);
  return Buffer.concat([header, payload]);
}

/** A SETTINGS frame with the given (id, value) pairs, or an empty one. */
export function settingsFrame(settings: [number, number][] = [], ack = false): Buffer {
  const payload = Buffer.alloc(settings.length * 6);
  settings.forEach(([id, value], index) => {
    payload.writeUInt16BE(id, index * 6);
    payload.writeUInt32BE(value, index * 6 + 2);
  });
  return encodeFrame(FrameType.Settings, ack ? Flag.Ack : 0, 0, payload);
}

/** A PING frame carrying 8 bytes. */
export function pingFrame(data: Uint8Array = Buffer.alloc(8), ack = false): Buffer {
  return encodeFrame(FrameType.Ping, ack ? Flag.Ack : 0, 0, data);
}

/** A WINDOW_UPDATE frame. */
export function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment, 0);
  return encodeFrame(FrameType.WindowUpdate, 0, streamId, payload);
}

/** A RST_STREAM frame. */
export function rstStreamFrame(streamId: number, code: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code, 0);
  return encodeFrame(FrameType.RstStream, 0, streamId, payload);
}

/** A PRIORITY frame (deprecated by RFC 9113 but still parsed by every server). */
export function priorityFrame(streamId: number, dependsOn: number, weight: number): Buffer {
  const payload = Buffer.alloc(5);
  payload.writeUInt32BE(dependsOn, 0);
  payload[4] = weight;
  return encodeFrame(FrameType.Priority, 0, streamId, payload);
}

/** An HPACK integer with an N-bit prefix (RFC 7541 §5.1); `first` holds the bits above the prefix. */
export function hpackInteger(value: number, prefixBits: number, first = 0): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([first | value]);
  const bytes = [first | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** An HPACK string literal without Huffman coding. */
function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, "latin1");
  return Buffer.concat([hpackInteger(bytes.length, 7), bytes]);
}

/** A header block of literal fields without indexing (new names), so each block stands alone. */
export function hpackBlock(headers: readonly (readonly [string, string])[]): Buffer {
  return Buffer.concat(headers.map(([name, value]) => Buffer.concat([Buffer.from([0x00]), hpackString(name), hpackString(value)])));
}

/** The request headers of a gRPC call to `path` on test.Probe by default. */
export function grpcRequestHeaders(path = "/test.Probe/Echo", extra: readonly (readonly [string, string])[] = []): [string, string][] {
  return [
    [":method", "POST"],
    [":scheme", "http"],
    [":path", path],
    [":authority", "localhost"],
    ["content-type", "application/grpc"],
    ["te", "trailers"],
    ...extra.map(([name, value]): [string, string] => [name, value]),
  ];
}

/** A HEADERS frame for a gRPC request on `streamId`, END_HEADERS set; END_STREAM when `endStream`. */
export function requestHeadersFrame(streamId: number, endStream = false, path?: string): Buffer {
  return encodeFrame(FrameType.Headers, Flag.EndHeaders | (endStream ? Flag.EndStream : 0), streamId, hpackBlock(grpcRequestHeaders(path)));
}

/** A DATA frame holding one empty gRPC message ("{}" for the JSON test service). */
export function grpcMessageFrame(streamId: number, endStream: boolean, json = "{}"): Buffer {
  const body = Buffer.from(json);
  const message = Buffer.alloc(5 + body.length);
  message.writeUInt32BE(body.length, 1);
  body.copy(message, 5);
  return encodeFrame(FrameType.Data, endStream ? Flag.EndStream : 0, streamId, message);
}

/** How a raw connection ended, once it has. */
export interface RawClosed {
  /** The GOAWAY the server sent, if any: its error code and debug data. */
  goAway: { errorCode: number; lastStreamId: number; debug: string } | undefined;
  /** Whether the socket ended with an error (ECONNRESET) rather than a clean end. */
  reset: boolean;
}

/**
 * A raw HTTP/2 client connection. It parses what the server sends, acknowledges the server's
 * SETTINGS (unless told not to), and never reads stream data into anything but a frame list
 * capped at `keepFrames` entries, so a flood test holds little memory of its own.
 */
export class RawH2 {
  readonly socket: net.Socket;
  /** The last frames received (at most `keepFrames`). */
  readonly frames: RawFrame[] = [];
  /** Count of frames received, by type. */
  readonly counts = new Map<number, number>();
  /** The first GOAWAY received. */
  goAway: RawClosed["goAway"];
  private reset = false;
  private buffered: Buffer = Buffer.alloc(0);
  private readonly keepFrames: number;
  private readonly ackSettings: boolean;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<RawClosed>;

  private constructor(socket: net.Socket, options: RawOptions) {
    this.socket = socket;
    this.keepFrames = options.keepFrames ?? 1000;
    this.ackSettings = options.ackSettings ?? true;
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.closed = new Promise((resolve) => {
      socket.on("error", () => (this.reset = true));
      socket.on("close", () => {
        resolve({ goAway: this.goAway, reset: this.reset });
        this.wake();
      });
    });
  }

  /** Connects to 127.0.0.1:port; sends the preface and an empty SETTINGS unless `preface` is false. */
  static connect(port: number, options: RawOptions = {}): Promise<RawH2> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        const raw = new RawH2(socket, options);
        if (options.preface !== false) raw.write(Buffer.concat([PREFACE, settingsFrame(options.settings ?? [])]));
        resolve(raw);
      });
    });
  }

  /** True once the socket is closed or destroyed. */
  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  /** Writes bytes unless the socket is gone; resolves when the kernel took them (or at once if gone). */
  write(bytes: Uint8Array): Promise<void> {
    if (this.socket.destroyed || this.socket.writableEnded) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.socket.write(bytes)) resolve();
      else {
        const done = () => {
          this.socket.off("drain", done);
          this.socket.off("close", done);
          resolve();
        };
        this.socket.on("drain", done);
        this.socket.on("close", done);
      }
    });
  }

  /** Waits until `predicate` holds (checked on every frame and on close), or `timeoutMs` passes. */
  async waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (this.socket.destroyed) return predicate();
      const left = until - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  /** The received frames of one type on one stream (or any stream when `streamId` is undefined). */
  framesOf(type: number, streamId?: number): RawFrame[] {
    return this.frames.filter((frame) => frame.type === type && (streamId === undefined || frame.streamId === streamId));
  }

  /** The RST_STREAM code received for `streamId`, if any. */
  rstCodeOf(streamId: number): number | undefined {
    const frame = this.framesOf(FrameType.RstStream, streamId).at(-1);
    return frame?.payload.readUInt32BE(0);
  }

  /** Destroys the socket. */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 9) {
      const length = this.buffered.readUIntBE(0, 3);
      if (this.buffered.length < 9 + length) break;
      const frame: RawFrame = {
        type: this.buffered[3]!,
        flags: this.buffered[4]!,
        streamId: this.buffered.readUInt32BE(5) & 0x7fffffff,
        payload: Buffer.from(this.buffered.subarray(9, 9 + length)),
      };
      this.buffered = this.buffered.subarray(9 + length);
      this.onFrame(frame);
    }
    this.wake();
  }

  private onFrame(frame: RawFrame): void {
    this.counts.set(frame.type, (this.counts.get(frame.type) ?? 0) + 1);
    if (frame.type === FrameType.Data) frame.payload = Buffer.alloc(0); // counted, not kept
    this.frames.push(frame);
    if (this.frames.length > this.keepFrames) this.frames.splice(0, this.frames.length - this.keepFrames);
    if (frame.type === FrameType.Settings && (frame.flags & Flag.Ack) === 0 && this.ackSettings) void this.write(settingsFrame([], true));
    if (frame.type === FrameType.Ping && (frame.flags & Flag.Ack) === 0) void this.write(pingFrame(frame.payload, true));
    // The first GOAWAY names the error; node may follow it with another when it closes the socket.
    if (frame.type === FrameType.GoAway && frame.payload.length >= 8 && this.goAway === undefined)
      this.goAway = {
        lastStreamId: frame.payload.readUInt32BE(0) & 0x7fffffff,
        errorCode: frame.payload.readUInt32BE(4),
        debug: frame.payload.subarray(8).toString("latin1"),
      };
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Options of RawH2.connect. */
export interface RawOptions {
  /** Send the connection preface and SETTINGS at once. Default true. */
  preface?: boolean;
  /** The client's SETTINGS (id, value) pairs, e.g. [[0x4, 0]] for a zero initial window. */
  settings?: [number, number][];
  /** Acknowledge the server's SETTINGS. Default true. */
  ackSettings?: boolean;
  /** How many received frames to keep. Default 1000. */
  keepFrames?: number;
}

/** SETTINGS identifiers (RFC 9113 §6.5.2). */
export const Setting = {
  HeaderTableSize: 0x1,
  EnablePush: 0x2,
  MaxConcurrentStreams: 0x3,
  InitialWindowSize: 0x4,
  MaxFrameSize: 0x5,
  MaxHeaderListSize: 0x6,
} as const;

/** HTTP/2 error-code names by value. */
export const ERROR_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** What the raw peer saw at the end: the GOAWAY (code and debug data) and whether the socket closed. */
export function peerSaw(raw: RawH2): string {
  const goAway =
    raw.goAway === undefined
      ? "no GOAWAY"
      : `GOAWAY ${ERROR_NAMES[raw.goAway.errorCode] ?? raw.goAway.errorCode}${raw.goAway.debug ? ` "${raw.goAway.debug}"` : ""}`;
  return `${goAway}, ${raw.isClosed ? "connection closed" : "connection open"}`;
}
