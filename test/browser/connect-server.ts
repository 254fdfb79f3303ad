// A Connect-ES server (connect-node) of grpc.testing.TestService on 127.0.0.1, speaking gRPC,
// gRPC-Web and Connect from one handler: a server written by people who are not us, which
// test/web-client calls tsgrpc/web against. (The browser test's page is served by tsgrpc itself:
// tsgrpc-page-server.ts.) It can also serve a page (GET / and GET /page.js).
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { testServiceSchema } from "./test-service-schema.js";

/** What the test server's handlers saw, for tests that check the server side of a call. */
export interface ServerLog {
  /** Calls whose handler saw its signal abort (a client cancel or deadline reaching the server). */
  aborted: number;
  /** The request headers of the last call. */
  lastHeaders: Headers | undefined;
}

/** A running test server. */
export interface ConnectTestServer {
  /** "http://127.0.0.1:<port>". */
  readonly baseUrl: string;
  readonly log: ServerLog;
  close(): Promise<void>;
}

/** The page the server serves at "/" and "/page.js", if any. */
export interface TestPage {
  html: string;
  script: string;
}

interface EchoStatusLike {
  code: number;
  message: string;
}

/** Waits `ms`, or rejects when the call's signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Starts the server on 127.0.0.1, port 0. */
export async function startConnectServer(page?: TestPage): Promise<ConnectTestServer> {
  const { service, echoStatus } = testServiceSchema();
  const log: ServerLog = { aborted: 0, lastHeaders: undefined };
  const enter = async (context: HandlerContext): Promise<void> => {
    log.lastHeaders = context.requestHeader;
    context.signal.addEventListener("abort", () => log.aborted++, { once: true });
    const initial = context.requestHeader.get("x-grpc-test-echo-initial");
    if (initial !== null) context.responseHeader.set("x-grpc-test-echo-initial", initial);
    const trailing = context.requestHeader.get("x-grpc-test-echo-trailing-bin");
    if (trailing !== null) context.responseTrailer.set("x-grpc-test-echo-trailing-bin", trailing);
    const delay = Number(context.requestHeader.get("x-test-delay-ms") ?? 0);
    if (delay > 0) await sleep(delay, context.signal);
  };
  const fail = (status: EchoStatusLike | undefined): void => {
    if (status === undefined || status.code === 0) return;
    throw new ConnectError(status.message, status.code as Code, undefined, [
      { desc: echoStatus, value: { code: status.code, message: status.message } },
    ]);
  };
  const handler = connectNodeAdapter({
    routes(router) {
      // The schema is built at run time, so its handler types are unknown: the object is checked by Connect-ES at run time.
      const implementation = {
        async emptyCall(_request: unknown, context: HandlerContext) {
          await enter(context);
          return {};
        },
        // biome-ignore lint/suspicious/noExplicitAny: a schema built at run time has untyped messages
        async unaryCall(request: any, context: HandlerContext) {
          await enter(context);
          fail(request.responseStatus);
          return { payload: { body: new Uint8Array(request.responseSize) } };
        },
        // biome-ignore lint/suspicious/noExplicitAny: a schema built at run time has untyped messages
        async *streamingOutputCall(request: any, context: HandlerContext) {
          await enter(context);
          for (const parameters of request.responseParameters as { size: number; intervalUs: number }[]) {
            if (parameters.intervalUs > 0) await sleep(parameters.intervalUs / 1000, context.signal);
            yield { payload: { body: new Uint8Array(parameters.size) } };
          }
          fail(request.responseStatus);
        },
      };
      router.service(service, implementation as never);
    },
    fallback(request, response) {
      if (page !== undefined && request.method === "GET" && (request.url === "/" || request.url === "/page.js")) {
        const isPage = request.url === "/";
        response.writeHead(200, { "content-type": isPage ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8" });
        response.end(isPage ? page.html : page.script);
        return;
      }
      response.writeHead(404);
      response.end();
    },
  });
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { Code as ConnectCode };
