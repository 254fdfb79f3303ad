import {
  HEALTH_WATCH_PATH,
  decodeHealthCheckResponse,
  encodeHealthCheckRequest,
  type HealthWatchCall,
  type HealthWatchListener,
  type WatchHealth,
} from "../channel/index.js";
import { encodeFrame, type Frame } from "../framing/index.js";
import { ClientStream, type Connection } from "../http2/client/index.js";
import { requestHeadToHeaders } from "../http2/index.js";
import type { FrameWaiter } from "../http2/index.js";
import { Metadata } from "../metadata/index.js";
import { Code, GrpcError } from "../status/index.js";

/** Health answers are tiny; anything near this is not a HealthCheckResponse. */
const MAX_HEALTH_RESPONSE_BYTES = 64 * 1024;

/**
 * The `WatchHealth` of a channel: opens `grpc.health.v1.Health/Watch` on the given connection,
 * with the channel's `:authority`, scheme and user agent and no deadline, and reports each
 * HealthCheckResponse until the call ends or is cancelled.
 * https://github.com/grpc/proposal/blob/master/A17-client-side-health-checking.md
 */
export function createHealthWatch(authority: string, scheme: "http" | "https", userAgent: string | undefined): WatchHealth<Connection> {
  const headers = requestHeadToHeaders(
    { path: HEALTH_WATCH_PATH, authority, metadata: new Metadata(), timeoutMs: undefined, encoding: undefined, acceptEncoding: undefined },
    { scheme, userAgent },
  );
  return (connection, serviceName, listener) => new HealthWatch(connection, headers, serviceName, listener);
}

/** One Watch call: reads responses one at a time, as a FrameWaiter. */
class HealthWatch implements HealthWatchCall, FrameWaiter {
  private readonly stream: ClientStream;
  private readonly listener: HealthWatchListener;
  private cancelled = false;

  constructor(
    connection: Connection,
    headers: ReturnType<typeof requestHeadToHeaders>,
    serviceName: string,
    listener: HealthWatchListener,
  ) {
    this.listener = listener;
    this.stream = new ClientStream(connection, headers, MAX_HEALTH_RESPONSE_BYTES, true);
    this.stream.end(encodeFrame(encodeHealthCheckRequest(serviceName)));
    // The channel layer hears of this call only after watch() returned.
    queueMicrotask(() => this.read());
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.stream.cancel(new GrpcError(Code.Cancelled, "health: the Watch call was stopped by the client"));
  }

  onFrame(frame: Frame): void {
    if (this.handle(frame)) this.read();
  }

  onEnd(): void {
    this.end(new GrpcError(Code.Unavailable, "health: the server ended the Watch call with OK"));
  }

  onReadError(error: GrpcError): void {
    this.end(error);
  }

  private read(): void {
    for (let frame = this.stream.take(); frame !== undefined; frame = this.stream.take()) if (!this.handle(frame)) return;
    if (!this.cancelled) this.stream.waitForFrame(this);
  }

  /** Reports one response; false when the call is over (cancelled, or a response that cannot be read). */
  private handle(frame: Frame): boolean {
    if (this.cancelled) return false;
    let status: number;
    try {
      // We sent no grpc-accept-encoding, so a compressed response breaks the protocol.
      if (frame.compressed)
        throw new GrpcError(Code.Internal, "health: compressed HealthCheckResponse, though the client accepts no encoding");
      status = decodeHealthCheckResponse(frame.payload);
    } catch (error) {
      const failure = error as GrpcError;
      this.cancel();
      this.listener.onHealthEnd(failure);
      return false;
    }
    this.listener.onHealthStatus(status);
    return !this.cancelled;
  }

  private end(error: GrpcError): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.listener.onHealthEnd(error);
  }
}
