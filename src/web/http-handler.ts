import type { HttpExchange, HttpRequest, HttpResponse } from "../http2/server/index.js";
import type { Logger } from "../trace/index.js";

/**
 * A request listener in node's HTTP API, for the requests of a `web` server that are not calls:
 * pages, files, a REST or health endpoint, any other HTTP. It receives what a listener of
 * `http2.createSecureServer({ allowHTTP1: true }, listener)` receives: `http.IncomingMessage` and
 * `http.ServerResponse` over HTTP/1.1, `http2.Http2ServerRequest` and `Http2ServerResponse`
 * over HTTP/2 (so Koa's `app.callback()` fits as it is). It may be async: a handler that throws
 * or rejects is logged, and the client gets HTTP 500 (or the response is cut off when it had
 * begun), never the error. (Its return type is void so that `(request, response) => response.end()`
 * fits; a returned promise is awaited all the same.)
 */
export type HttpHandler = (request: HttpRequest, response: HttpResponse) => void;

/**
 * Runs the user's HttpHandler on one exchange, catching what it throws or rejects with so a
 * failing handler never crashes the process or leaves the client waiting.
 */
export function runHttpHandler(handler: HttpHandler, exchange: HttpExchange, logger: Logger | undefined): void {
  const pair = exchange.toNodeHttp();
  if (pair === undefined) return;
  const { request, response } = pair;
  const fail = (error: unknown): void => {
    logger?.error(`server: the web.http handler failed on ${request.method} ${request.url}:`, error);
    if (!response.headersSent) {
      try {
        response.writeHead(500, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
        response.end("server: internal error in the HTTP handler\n");
        return;
      } catch {
        // The response is in a state node refuses to write in: cut it off below.
      }
    }
    // RST_STREAM(CANCEL) on HTTP/2, the connection closed on HTTP/1.1: the client sees a cut-off response, not a short one.
    if (!response.writableEnded) exchange.destroy();
  };
  try {
    const result = handler(request, response) as unknown;
    if (typeof (result as PromiseLike<void> | undefined)?.then === "function") (result as PromiseLike<void>).then(undefined, fail);
  } catch (error) {
    fail(error);
  }
}
