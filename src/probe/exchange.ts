import {
  connect,
  constants,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http2";

/** Where the server probe connects: a URL (`http://host:port` or `https://host:port`) and TLS settings. */
export interface ProbeTarget {
  /** `http://host:port` or `https://host:port`. */
  readonly url: string;
  /** PEM CA certificates to trust (TLS only). */
  readonly ca?: Buffer;
  /** TLS server name and `:authority` to send, when not the host of the URL. */
  readonly authority?: string;
}

/** One crafted request: every header as given (nothing is added), the DATA frames, and how long to wait. */
export interface ExchangeRequest {
  readonly headers: OutgoingHttpHeaders;
  /** Each buffer is written as its own DATA frame (with `gapMs` between writes). */
  readonly frames?: readonly Buffer[];
  /** Milliseconds between two DATA frames, so that they leave as separate frames (default 0). */
  readonly gapMs?: number;
  /** Whether END_STREAM follows the frames (default true). An empty `frames` then sends an empty DATA frame with END_STREAM. */
  readonly endStream?: boolean;
  /** How long to wait for the stream to close before cancelling it. */
  readonly waitMs: number;
}

/** What a server did with one crafted request. */
export interface Exchange {
  /** 1xx header blocks. */
  readonly informational: IncomingHttpHeaders[];
  /** The response header block, if one came. */
  readonly headers: IncomingHttpHeaders | undefined;
  /** Whether the response header block carried END_STREAM (Trailers-Only). */
  readonly trailersOnly: boolean;
  readonly body: Buffer;
  readonly trailers: IncomingHttpHeaders | undefined;
  /** The RST_STREAM code the stream closed with (0 after a clean close). */
  readonly rstCode: number | undefined;
  /** A GOAWAY received meanwhile. */
  readonly goaway: { code: number; lastStreamId: number } | undefined;
  /** A local error: connecting failed, or the session broke. */
  readonly error: string | undefined;
  /** The stream was still open after `waitMs` (then cancelled by the probe). */
  readonly timedOut: boolean;
  readonly elapsedMs: number;
}

/** Opens an HTTP/2 session to the target; rejects after `timeoutMs` or on a connection error. */
export function openSession(target: ProbeTarget, timeoutMs: number): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    const servername = target.authority?.replace(/:\d+$/, "");
    const options =
      url.protocol === "https:"
        ? { ...(target.ca === undefined ? {} : { ca: target.ca }), ...(servername === undefined ? {} : { servername }) }
        : {};
    const session = connect(target.url, options);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`connecting to ${target.url} took over ${timeoutMs} ms`));
    }, timeoutMs);
    // Until connected, an error rejects; afterwards each exchange records session errors itself.
    const failed = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    session.once("error", failed);
    session.once("connect", () => {
      clearTimeout(timer);
      session.off("error", failed);
      // A session error after connecting is reported through the streams' close; keep the process alive.
      session.on("error", () => {});
      // Each exchange listens for GOAWAY while it runs; a check may run many at once.
      session.setMaxListeners(0);
      resolve(session);
    });
  });
}

/** The request pseudo-headers and gRPC headers for `path`, overridable by `extra` (a value of undefined removes one). */
export function grpcHeaders(
  target: ProbeTarget,
  path: string,
  extra: Record<string, string | string[] | undefined> = {},
): OutgoingHttpHeaders {
  const url = new URL(target.url);
  const headers: Record<string, string | string[] | undefined> = {
    ":method": "POST",
    ":scheme": url.protocol === "https:" ? "https" : "http",
    ":path": path,
    ":authority": target.authority ?? url.host,
    te: "trailers",
    "content-type": "application/grpc",
    "user-agent": "tsgrpc-probe",
    ...extra,
  };
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}

/** Sends one request on a session and gathers what comes back, never waiting longer than `waitMs`. */
export function exchange(session: ClientHttp2Session, request: ExchangeRequest): Promise<Exchange> {
  const started = performance.now();
  return new Promise((resolve) => {
    const informational: IncomingHttpHeaders[] = [];
    const chunks: Buffer[] = [];
    let headers: IncomingHttpHeaders | undefined;
    let trailersOnly = false;
    let trailers: IncomingHttpHeaders | undefined;
    let goaway: { code: number; lastStreamId: number } | undefined;
    let error: string | undefined;
    let timedOut = false;
    let stream: ClientHttp2Stream;
    const onGoaway = (code: number, lastStreamId: number): void => {
      goaway = { code, lastStreamId };
    };
    session.on("goaway", onGoaway);
    const finish = (rstCode: number | undefined): void => {
      clearTimeout(timer);
      session.off("goaway", onGoaway);
      resolve({
        informational,
        headers,
        trailersOnly,
        body: Buffer.concat(chunks),
        trailers,
        rstCode,
        goaway,
        error,
        timedOut,
        elapsedMs: Math.round(performance.now() - started),
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      if (stream !== undefined && !stream.closed) stream.close(constants.NGHTTP2_CANCEL);
      else finish(undefined);
    }, request.waitMs);
    try {
      stream = session.request(request.headers, { endStream: false });
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
      finish(undefined);
      return;
    }
    stream.on("headers", (block) => informational.push(block));
    stream.on("response", (block, flags) => {
      headers = block;
      trailersOnly = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    });
    stream.on("trailers", (block) => {
      trailers = block;
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    // 'error' is always followed by 'close', which carries the RST code we report.
    stream.on("error", (cause: Error) => {
      error ??= cause.message;
    });
    stream.on("close", () => finish(timedOut ? undefined : stream.rstCode));
    void writeFrames(stream, request);
  });
}

async function writeFrames(stream: ClientHttp2Stream, request: ExchangeRequest): Promise<void> {
  const frames = request.frames ?? [];
  for (const [index, frame] of frames.entries()) {
    if (stream.closed || stream.destroyed) return;
    if (index > 0 && (request.gapMs ?? 0) > 0) await new Promise((done) => setTimeout(done, request.gapMs));
    if (stream.closed || stream.destroyed) return;
    stream.write(frame);
  }
  if (request.endStream === false) return;
  // With a gap, END_STREAM leaves in an empty DATA frame of its own.
  if (frames.length > 0 && (request.gapMs ?? 0) > 0) await new Promise((done) => setTimeout(done, request.gapMs));
  if (!stream.closed && !stream.destroyed) stream.end();
}
