import { AsyncResource } from "node:async_hooks";
import { compressionForReceive } from "../compression/index.js";
import type { CallStream } from "../http2/server/index.js";
import { Code, GrpcError } from "../status/index.js";
import { runCore } from "./dispatch.js";
import type { Method, Service } from "../service/index.js";
import type { Handler } from "./handler.js";
import type { Router } from "./router.js";
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
 * Runs one call end to end: route, compression, deadline, the core of its kind (runCore, through
 * the interceptors if any), and the status. This is where whatever a handler throws becomes a
 * status (docs/ARCHITECTURE.md §7).
 *
 * Unknown :path is a trailers-only UNIMPLEMENTED; an unknown grpc-encoding is UNIMPLEMENTED with
 * our grpc-accept-encoding (doc/compression.md). A web call (gRPC-Web, Connect) passes `adapt`,
 * which gives the routed method the codecs of its wire (JSON) or refuses the call.
 */
export function serveCall(stream: CallStream, runtime: ServeRuntime, adapt?: (method: Method, service: Service) => Method): void {
  const route = runtime.router.get(stream.head.path);
  if (route === undefined) {
    stream.finish(new GrpcError(Code.Unimplemented, runtime.router.describeMissing(stream.head.path)), undefined);
    return;
  }
  let method = route.method;
  if (adapt !== undefined)
    try {
      method = adapt(method, route.service);
    } catch (error) {
      stream.finish(GrpcError.from(error, Code.Internal, "server: the call could not be set up"), undefined);
      return;
    }
  const call = new ServerCall(stream, method, runtime);
  try {
    call.receiveCompression = compressionForReceive(stream.head.encoding, runtime.compressions);
  } catch (error) {
    call.end(error);
    return;
  }
  const intercept = runtime.intercept;
  // Without interceptors the call is its own outcome: the core's end is the call's end.
  if (intercept === undefined) runCore(call, route.handler, call);
  else void serveIntercepted(call, route.handler, intercept);
}

/**
 * The call with interceptors: the chain runs around the core, and `next()` is the core's outcome
 * as a promise. The core's error is kept on the call, so an interceptor cannot turn a failure into OK.
 */
async function serveIntercepted(call: ServerCall, handler: Handler, intercept: Intercept): Promise<void> {
  try {
    await intercept(call.context, () => runCoreAsPromise(call, handler));
  } catch (error) {
    call.end(error);
    return;
  }
  call.end();
}

function runCoreAsPromise(call: ServerCall, handler: Handler): Promise<void> {
  // A single-request handler runs later, from node's 'end' event: in this scope, it (and the
  // writing of its responses) runs in the async context of the interceptor that called next(), so
  // AsyncLocalStorage values such as an OpenTelemetry span made active there reach the handler.
  // Streaming-request handlers are called within next() already. An AsyncResource measured ~1 µs.
  const scope = call.method.kind === "unary" || call.method.kind === "server_streaming" ? new AsyncResource("tsgrpc.handler") : undefined;
  return new Promise((resolve, reject) =>
    runCore(
      call,
      handler,
      {
        succeed: resolve,
        fail(error: unknown) {
          call.coreError = error;
          reject(error);
        },
      },
      scope,
    ),
  );
}
