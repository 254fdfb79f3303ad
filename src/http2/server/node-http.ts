import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type IncomingHttpHeaders,
  Http2ServerRequest,
  Http2ServerResponse,
  type ServerHttp2Stream,
  constants as http2Constants,
} from "node:http2";

/**
 * A request as node's own HTTP servers hand it to a request listener: `http.IncomingMessage`
 * over HTTP/1.1, `http2.Http2ServerRequest` (node's HTTP/2 compatibility API) over HTTP/2. Both
 * have `method`, `url`, `headers`, `httpVersion`, and are readable streams of the body, so code
 * written for `http2.createSecureServer({ allowHTTP1: true }, listener)` (Koa's `app.callback()`,
 * static file servers) takes them as they are.
 */
export type HttpRequest = IncomingMessage | Http2ServerRequest;

/** The response paired with an HttpRequest: `http.ServerResponse` or `http2.Http2ServerResponse`. */
export type HttpResponse = ServerResponse | Http2ServerResponse;

/** A request and its response in node's HTTP API, as a request listener receives them. */
export interface NodeHttpPair {
  readonly request: HttpRequest;
  readonly response: HttpResponse;
}

/**
 * Node's HTTP/2 compatibility objects over a stream that is already open: what node builds for a
 * server's 'request' listener, built here for one stream only (a 'request' listener would make
 * node build them for every stream, gRPC calls included). `Expect: 100-continue` gets its interim
 * response at once; another expectation is answered 417 here and the result is undefined, as
 * node's own HTTP/2 and HTTP/1.1 servers never hand such a request to their listener.
 */
export function http2CompatPair(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): NodeHttpPair | undefined {
  const request = new Http2ServerRequest(stream, headers, {}, rawHeadersOf(headers));
  const response = new Http2ServerResponse(stream);
  const expect = headers.expect;
  if (expect !== undefined) {
    if (String(expect).toLowerCase() === "100-continue") response.writeContinue();
    else {
      response.statusCode = http2Constants.HTTP_STATUS_EXPECTATION_FAILED;
      response.end();
      return undefined;
    }
  }
  return { request, response };
}

/** The name/value list of `request.rawHeaders` (node gives it with the 'stream' event; the listener keeps the parsed headers only). */
function rawHeadersOf(headers: IncomingHttpHeaders): string[] {
  const raw: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const each of value) raw.push(name, each);
    else raw.push(name, String(value));
  }
  return raw;
}
