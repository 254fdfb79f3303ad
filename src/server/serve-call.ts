import { compressionForReceive } from "../compression/index.js";
import type { ServerStream } from "../http2/index.js";
import { Code, GrpcError } from "../status/index.js";
import type { BidiStreamingHandler, ClientStreamingHandler, ServerStreamingHandler, UnaryHandler } from "./handler.js";
import type { Router } from "./router.js";
import { type CallRuntime, ServerCall } from "./server-call.js";
import type { ServerContext } from "./server-context.js";

/** Settings of a server that serveCall needs beyond the per-call ones. */
export interface ServeRuntime extends CallRuntime {
  router: Router;
  intercept: ((ctx: ServerContext, core: () => Promise<void>) => Promise<void>) | undefined;
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
  const handler = route.handler;
  let core: () => Promise<void>;
  switch (route.method.kind) {
    case "unary":
      core = () => serveUnary(call, handler as UnaryHandler);
      break;
    case "server_streaming":
      core = () => serveServerStreaming(call, handler as ServerStreamingHandler);
      break;
    case "client_streaming":
      core = () => serveClientStreaming(call, handler as ClientStreamingHandler);
      break;
    default:
      core = () => serveBidi(call, handler as BidiStreamingHandler);
  }
  const intercept = runtime.intercept;
  const outcome = intercept === undefined ? core() : intercept(call, () => recordError(call, core()));
  outcome.then(
    () => call.end(),
    (error: unknown) => call.end(error),
  );
}

/** Keeps the core's error on the call, so an interceptor cannot turn a failure into OK. */
function recordError(call: ServerCall, run: Promise<void>): Promise<void> {
  return run.catch((error: unknown) => {
    call.coreError = error;
    throw error;
  });
}

async function serveUnary(call: ServerCall, handler: UnaryHandler): Promise<void> {
  const request = await call.readSingle();
  const response = await handler(request, call);
  await call.setResponse(response);
}

async function serveServerStreaming(call: ServerCall, handler: ServerStreamingHandler): Promise<void> {
  const request = await call.readSingle();
  await call.sendAll(handler(request, call));
}

async function serveClientStreaming(call: ServerCall, handler: ClientStreamingHandler): Promise<void> {
  const response = await handler(call.requests(), call);
  await call.setResponse(response);
}

async function serveBidi(call: ServerCall, handler: BidiStreamingHandler): Promise<void> {
  await call.sendAll(handler(call.requests(), call));
}
