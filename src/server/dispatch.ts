import type { AsyncResource } from "node:async_hooks";
import type { Frame } from "../framing/index.js";
import type { SingleFrameConsumer } from "../http2/index.js";
import type { MethodKind } from "../service/index.js";
import type { GrpcError } from "../status/index.js";
import type { Handler } from "./handler.js";
import type { ServerCall } from "./server-call.js";
import type { ServerContext } from "./server-context.js";

/**
 * Who hears how a call's core (reading the request, the handler, writing its responses) ended:
 * the call itself when there are no interceptors (it ends at once), or the promise that an
 * interceptor's `next()` returns.
 */
export interface CoreOutcome {
  /** The handler is done and every response it produced is written (a single one is pending on the call). */
  succeed(): void;
  /** Reading the request, the handler, or writing a response failed with `error`. */
  fail(error: unknown): void;
}

/** Writes what a handler returned, then reports the outcome; may throw if it is the wrong shape. */
type ResponseWriter = (call: ServerCall, returned: unknown, outcome: CoreOutcome) => void;

/** What sets one call kind apart: how its handler gets the request, and what it returns. */
interface CallKind {
  /**
   * True: exactly one request message, read whole and decoded before the handler runs, which
   * gets the message. False: the handler gets the request messages as an async iterable.
   */
  readonly singleRequest: boolean;
  /** One response (a value or a promise of one), or every response of an iterable. */
  readonly writeResponse: ResponseWriter;
}

/**
 * Runs the core of a call: the one place the four kinds differ, used with and without
 * interceptors. No async function wraps the handler: a single-request call runs from node's own
 * event when its request is complete, and promises exist only where the handler or the transport
 * is really asynchronous. Whatever fails, however it fails, reaches `outcome.fail` exactly once.
 * With a `scope`, a single-request handler runs (and its responses are written) in that async
 * context rather than in node's event's.
 */
export function runCore(call: ServerCall, handler: Handler, outcome: CoreOutcome, scope?: AsyncResource): void {
  const kind = CALL_KINDS[call.method.kind];
  try {
    if (kind.singleRequest) call.readSingle(new SingleRequest(call, handler, kind.writeResponse, outcome, scope));
    else invoke(call, handler, call.requests(), kind.writeResponse, outcome);
  } catch (error) {
    outcome.fail(error);
  }
}

/** Calls the handler with its request and the call's context, and writes what it returns. */
function invoke(call: ServerCall, handler: Handler, request: unknown, writeResponse: ResponseWriter, outcome: CoreOutcome): void {
  try {
    writeResponse(call, (handler as (request: unknown, ctx: ServerContext) => unknown)(request, call.context), outcome);
  } catch (error) {
    outcome.fail(error);
  }
}

/** The request of a unary or server-streaming call, handed over from node's event once complete. */
class SingleRequest implements SingleFrameConsumer {
  private readonly call: ServerCall;
  private readonly handler: Handler;
  private readonly writeResponse: ResponseWriter;
  private readonly outcome: CoreOutcome;
  private readonly scope: AsyncResource | undefined;

  constructor(call: ServerCall, handler: Handler, writeResponse: ResponseWriter, outcome: CoreOutcome, scope: AsyncResource | undefined) {
    this.call = call;
    this.handler = handler;
    this.writeResponse = writeResponse;
    this.outcome = outcome;
    this.scope = scope;
  }

  onFrames(frames: Frame[]): void {
    if (this.scope === undefined) this.handle(frames);
    else this.scope.runInAsyncScope(this.handle, this, frames);
  }

  private handle(frames: Frame[]): void {
    let request: unknown;
    try {
      request = this.call.decodeSingle(frames);
    } catch (error) {
      this.outcome.fail(error);
      return;
    }
    if (request instanceof Promise)
      request.then(
        (decoded) => invoke(this.call, this.handler, decoded, this.writeResponse, this.outcome),
        (error: unknown) => this.outcome.fail(error),
      );
    else invoke(this.call, this.handler, request, this.writeResponse, this.outcome);
  }

  onReadError(error: GrpcError): void {
    this.outcome.fail(error);
  }
}

/** Sets a single-response handler's response (a value or a promise of one), then succeeds. */
function respondWith(call: ServerCall, response: unknown, outcome: CoreOutcome): void {
  if (response instanceof Promise)
    response.then(
      (value) => respond(call, value, outcome),
      (error: unknown) => outcome.fail(error),
    );
  else respond(call, response, outcome);
}

function respond(call: ServerCall, response: unknown, outcome: CoreOutcome): void {
  try {
    const sending = call.setResponse(response);
    if (sending === undefined) outcome.succeed();
    else
      sending.then(
        () => outcome.succeed(),
        (error: unknown) => outcome.fail(error),
      );
  } catch (error) {
    outcome.fail(error);
  }
}

/** Sends every response of a streaming handler, then succeeds. Throws if `responses` is not iterable. */
function sendAll(call: ServerCall, responses: unknown, outcome: CoreOutcome): void {
  call.sendAll(responses as AsyncIterable<unknown> | Iterable<unknown>).then(
    () => outcome.succeed(),
    (error: unknown) => outcome.fail(error),
  );
}

/** The four call kinds: request side times response side. */
const CALL_KINDS: Readonly<Record<MethodKind, CallKind>> = {
  unary: { singleRequest: true, writeResponse: respondWith },
  server_streaming: { singleRequest: true, writeResponse: sendAll },
  client_streaming: { singleRequest: false, writeResponse: respondWith },
  bidi_streaming: { singleRequest: false, writeResponse: sendAll },
};
