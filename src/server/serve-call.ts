import { compressionForReceive } from "../compression/index.js";
import type { Frame } from "../framing/index.js";
import type { SingleFrameConsumer } from "../http2/index.js";
import type { ServerStream } from "../http2/server/index.js";
import { Code, GrpcError } from "../status/index.js";
import type { BidiStreamingHandler, ClientStreamingHandler, ServerStreamingHandler, UnaryHandler } from "./handler.js";
import type { Route, Router } from "./router.js";
import { type CallRuntime, ServerCall } from "./server-call.js";
import type { ServerContext } from "./server-context.js";

/** The composed interceptor chain around a call's core. */
type Intercept = (ctx: ServerContext, core: () => Promise<void>) => Promise<void>;

/** Settings of a server that serveCall needs beyond the per-call ones. */
export interface ServeRuntime extends CallRuntime {
  router: Router;
  intercept: Intercept | undefined;
}

/**
 * Runs one call end to end: route, compression, deadline, the handler (through the interceptors),
 * and the status. This is where whatever a handler throws becomes a status (ARCHITECTURE.md §6).
 *
 * Unknown :path is a trailers-only UNIMPLEMENTED; an unknown grpc-encoding is UNIMPLEMENTED with
 * our grpc-accept-encoding (doc/compression.md).
 */
export function serveCall(stream: ServerStream, runtime: ServeRuntime): void {
  const route = runtime.router.get(stream.head.path);
  if (route === undefined) {
    stream.finish(new GrpcError(Code.Unimplemented, runtime.router.describeMissing(stream.head.path)), undefined);
    return;
  }
  const call = new ServerCall(stream, route.method, runtime);
  try {
    call.receiveCompression = compressionForReceive(stream.head.encoding, runtime.compressions);
  } catch (error) {
    call.end(error);
    return;
  }
  const intercept = runtime.intercept;
  if (intercept === undefined) serveDirect(call, route);
  else void serveIntercepted(call, route, intercept);
}

/**
 * The common case: no interceptors, the core's outcome is the status. No async function wraps
 * the handler: a single-request call is served from node's own event when its request is
 * complete, and promises exist only where the handler or the transport is really asynchronous.
 */
function serveDirect(call: ServerCall, route: Route): void {
  const handler = route.handler;
  try {
    switch (route.method.kind) {
      case "unary":
      case "server_streaming":
        call.readSingle(new SingleRequestCall(call, route));
        return;
      case "client_streaming":
        respondWith(call, (handler as ClientStreamingHandler)(call.requests(), call));
        return;
      default:
        sendAllThenEnd(call, (handler as BidiStreamingHandler)(call.requests(), call));
    }
  } catch (error) {
    call.end(error);
  }
}

/** A unary or server-streaming call without interceptors, run as its request arrives. */
class SingleRequestCall implements SingleFrameConsumer {
  private readonly call: ServerCall;
  private readonly route: Route;

  constructor(call: ServerCall, route: Route) {
    this.call = call;
    this.route = route;
  }

  onFrames(frames: Frame[]): void {
    const call = this.call;
    try {
      const request = call.decodeSingle(frames);
      if (request instanceof Promise) request.then((decoded) => this.run(decoded), (error: unknown) => call.end(error));
      else this.run(request);
    } catch (error) {
      call.end(error);
    }
  }

  onReadError(error: GrpcError): void {
    this.call.end(error);
  }

  private run(request: unknown): void {
    const call = this.call;
    try {
      if (this.route.method.kind === "server_streaming") sendAllThenEnd(call, (this.route.handler as ServerStreamingHandler)(request, call));
      else respondWith(call, (this.route.handler as UnaryHandler)(request, call));
    } catch (error) {
      call.end(error);
    }
  }
}

/** Sends every response of a streaming handler, then the status. Throws if `responses` is not iterable. */
function sendAllThenEnd(call: ServerCall, responses: AsyncIterable<unknown> | Iterable<unknown>): void {
  call.sendAll(responses).then(
    () => call.end(),
    (error: unknown) => call.end(error),
  );
}

/** Sends a single-response handler's response (a value or a promise of one), then the status. */
function respondWith(call: ServerCall, response: unknown): void {
  if (response instanceof Promise) response.then((value) => respond(call, value), (error: unknown) => call.end(error));
  else respond(call, response);
}

function respond(call: ServerCall, response: unknown): void {
  try {
    const sending = call.setResponse(response);
    if (sending === undefined) call.end();
    else sending.then(() => call.end(), (error: unknown) => call.end(error));
  } catch (error) {
    call.end(error);
  }
}

async function serveIntercepted(call: ServerCall, route: Route, intercept: Intercept): Promise<void> {
  try {
    await intercept(call, () => recordError(call, runCore(call, route)));
  } catch (error) {
    call.end(error);
    return;
  }
  call.end();
}

/** Runs the handler of the call's kind and writes its responses; the status is written by end(). */
function runCore(call: ServerCall, route: Route): Promise<void> {
  switch (route.method.kind) {
    case "unary":
      return serveUnary(call, route.handler as UnaryHandler);
    case "server_streaming":
      return serveServerStreaming(call, route.handler as ServerStreamingHandler);
    case "client_streaming":
      return serveClientStreaming(call, route.handler as ClientStreamingHandler);
    default:
      return serveBidi(call, route.handler as BidiStreamingHandler);
  }
}

/** Keeps the core's error on the call, so an interceptor cannot turn a failure into OK. */
function recordError(call: ServerCall, run: Promise<void>): Promise<void> {
  return run.catch((error: unknown) => {
    call.coreError = error;
    throw error;
  });
}

/** The frames of a single-request call, as a promise (the interceptor path). */
function requestFrames(call: ServerCall): Promise<Frame[]> {
  return new Promise((onFrames, onReadError) => call.readSingle({ onFrames, onReadError }));
}

async function serveUnary(call: ServerCall, handler: UnaryHandler): Promise<void> {
  let request = call.decodeSingle(await requestFrames(call));
  if (request instanceof Promise) request = await request;
  let response = handler(request, call);
  if (response instanceof Promise) response = await response;
  const sending = call.setResponse(response);
  if (sending !== undefined) await sending;
}

async function serveServerStreaming(call: ServerCall, handler: ServerStreamingHandler): Promise<void> {
  let request = call.decodeSingle(await requestFrames(call));
  if (request instanceof Promise) request = await request;
  await call.sendAll(handler(request, call));
}

async function serveClientStreaming(call: ServerCall, handler: ClientStreamingHandler): Promise<void> {
  let response = handler(call.requests(), call);
  if (response instanceof Promise) response = await response;
  const sending = call.setResponse(response);
  if (sending !== undefined) await sending;
}

async function serveBidi(call: ServerCall, handler: BidiStreamingHandler): Promise<void> {
  await call.sendAll(handler(call.requests(), call));
}
