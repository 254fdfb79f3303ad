import type { Deadline } from "../deadline/index.js";
import type { PeerCertificate } from "../http2/server/index.js";
import { Metadata } from "../metadata/index.js";
import type { Method } from "../service/index.js";
import type { GrpcError } from "../status/index.js";
import type { ServerCallObserver } from "./call-observer.js";
import type { ServerCall } from "./server-call.js";
import type { ServerContext } from "./server-context.js";

/**
 * The ServerContext of a call that came over the network: what its handler and interceptors see,
 * kept apart from the call's machinery (ServerCall), which reads the response settings from here.
 *
 * Everything optional is lazy: the AbortSignal, the response headers and trailers, and (in the
 * stream's head) the request metadata.
 */
export class CallContext implements ServerContext {
  compression: string | undefined;
  compressMessages = true;
  requestCompressed = false;
  /** @internal The response headers, if anyone asked for them. */
  responseHeaders: Metadata | undefined;
  /** @internal The response trailers, if anyone asked for them. */
  responseTrailers: Metadata | undefined;
  private readonly call: ServerCall;
  private controller: AbortController | undefined;
  private callObserver: ServerCallObserver | undefined;

  /** @internal Created by ServerCall. */
  constructor(call: ServerCall) {
    this.call = call;
  }

  get method(): Method {
    return this.call.method;
  }

  get metadata(): Metadata {
    return this.call.stream.head.metadata;
  }

  get deadline(): Deadline | undefined {
    return this.call.deadline;
  }

  get peer(): string {
    return this.call.stream.peer;
  }

  get peerCertificate(): PeerCertificate | undefined {
    return this.call.stream.peerCertificate;
  }

  get observer(): ServerCallObserver | undefined {
    return this.callObserver;
  }

  /** Setting an observer makes the call end as soon as its stream is cut off (ServerCall.endOnReset). */
  set observer(observer: ServerCallObserver | undefined) {
    this.callObserver = observer;
    if (observer !== undefined) this.call.endOnReset();
  }

  get headers(): Metadata {
    return (this.responseHeaders ??= new Metadata());
  }

  get trailers(): Metadata {
    return (this.responseTrailers ??= new Metadata());
  }

  get headersSent(): boolean {
    return this.call.stream.headersSent;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = (this.controller = new AbortController());
      const expired = this.call.expired;
      if (expired !== undefined) controller.abort(expired);
      else {
        const streamSignal = this.call.stream.signal;
        if (streamSignal.aborted) controller.abort(streamSignal.reason);
        else streamSignal.addEventListener("abort", this, { once: true });
      }
    }
    return this.controller.signal;
  }

  sendHeaders(): void {
    this.call.sendHeaders();
  }

  /** @internal The deadline passed: the signal (if anyone holds it) aborts with `reason`. */
  abort(reason: GrpcError): void {
    this.controller?.abort(reason);
  }

  /** @internal The stream's signal aborted (the client cancelled, the connection went): so does ours. */
  handleEvent(): void {
    this.controller!.abort(this.call.stream.signal.reason);
  }
}
