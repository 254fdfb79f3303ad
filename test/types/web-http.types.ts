// Type tests of web.http and serveFiles: the handler takes node's request and response for
// either HTTP version, so one written for HTTP/1.1 only (or HTTP/2 only) is refused, as are
// handlers with more required parameters (express-style `next`) and options of the wrong shape.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Server, type HttpHandler, type HttpRequest, type HttpResponse, type ServeFilesOptions, serveFiles } from "../../src/index.js";
import { expectTrue, type Equal } from "./assert.js";

expectTrue<Equal<HttpRequest, IncomingMessage | Http2ServerRequest>>();
expectTrue<Equal<HttpResponse, ServerResponse | Http2ServerResponse>>();
expectTrue<Equal<ReturnType<typeof serveFiles>, HttpHandler>>();

// A plain handler: parameters inferred; what both versions share is usable as it is.
new Server({
  web: {
    http: (request, response) => {
      expectTrue<Equal<typeof request, HttpRequest>>();
      expectTrue<Equal<typeof response, HttpResponse>>();
      const url: string | undefined = request.url;
      response.statusCode = 200;
      response.setHeader("content-type", "text/plain");
      response.writeHead(200, { "x-url": url ?? "" });
      request.pipe(response);
    },
  },
});

// Async handlers, handlers returning whatever end() returns, serveFiles, and a handler narrowed by version.
new Server({ web: { http: async (_request, response) => void response.end("ok") } });
new Server({ web: { http: (_request, response) => response.end("ok") } });
new Server({ web: { http: serveFiles("public") } });
new Server({ web: { http: serveFiles("public", { index: false, dotfiles: true, fallback: (_request, response) => response.end() }) } });
new Server({
  web: {
    http: (request, response) => {
      if (request instanceof Http2ServerRequest && response instanceof Http2ServerResponse) response.stream.respond({ ":status": 204 });
      else response.end();
    },
  },
});
// A handler with the same parameter union, as Koa's app.callback() is typed.
declare const koaLike: (request: IncomingMessage | Http2ServerRequest, response: ServerResponse | Http2ServerResponse) => Promise<void>;
new Server({ web: { http: koaLike } });

// A handler written for node:http only would be handed HTTP/2 objects too.
declare const http1Only: (request: IncomingMessage, response: ServerResponse) => void;
// @ts-expect-error: the handler also receives Http2ServerRequest/Http2ServerResponse
new Server({ web: { http: http1Only } });
declare const http2Only: (request: Http2ServerRequest, response: Http2ServerResponse) => void;
// @ts-expect-error: the handler also receives IncomingMessage/ServerResponse
new Server({ web: { http: http2Only } });

// Express-style middleware needs a `next` the server never passes.
declare const middleware: (request: HttpRequest, response: HttpResponse, next: (error?: unknown) => void) => void;
// @ts-expect-error: a third required parameter
new Server({ web: { http: middleware } });

// A folder is serveFiles(folder), not a string.
// @ts-expect-error: http takes a handler
new Server({ web: { http: "public" } });
// @ts-expect-error: serveFiles needs the folder
serveFiles();
// @ts-expect-error: index is a file name or false
serveFiles("public", { index: true });
// @ts-expect-error: the fallback is a handler
serveFiles("public", { fallback: "index.html" });
// @ts-expect-error: unknown option
const misspelled: ServeFilesOptions = { dotFiles: true };
void misspelled;

// HTTP/1.1 options: the response head limit is a number of bytes (Infinity for no check).
new Server({ web: { http1: { maxResponseHeaderBytes: 64 * 1024, headersTimeoutMs: 10_000 } } });
new Server({ web: { http1: { maxResponseHeaderBytes: Infinity } } });
// @ts-expect-error: a number of bytes, not a size string
new Server({ web: { http1: { maxResponseHeaderBytes: "16k" } } });
// @ts-expect-error: unknown HTTP/1.1 option (the name says Header, not Headers)
new Server({ web: { http1: { maxResponseHeadersBytes: 1024 } } });
