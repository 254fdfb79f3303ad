// The server of the browser test: one tsgrpc Server that serves the test page (its HTML and the
// esbuild bundle, through web.http and serveFiles) and grpc.testing.TestService over gRPC-Web and
// Connect, on two addresses: plaintext (Chromium speaks HTTP/1.1 to it) and TLS (HTTP/2 by ALPN).
import { setTimeout as sleep } from "node:timers/promises";
import {
  Code,
  GrpcError,
  Server,
  type ServerContext,
  type ServiceImplementation,
  encodeStatusDetails,
  serveFiles,
} from "../../src/index.js";
import { EchoStatus, type EchoStatusInput } from "../../src/interop/gen/grpc/testing/messages_pb.js";
import { TestService, createTestServiceImplementation } from "../../src/interop/index.js";
import { testServerTls } from "../web/http-client.js";

/** A request header naming the page's client, so the server can say which clients' cancels it saw. */
export const CLIENT_HEADER = "x-test-client";
/** A request header asking the handler to wait this long first (the deadline scenario). */
export const DELAY_HEADER = "x-test-delay-ms";

/** The running server: its two origins and what its handlers saw. */
export interface PageServer {
  /** "http://127.0.0.1:<port>" (plaintext: HTTP/1.1 from a browser). */
  readonly httpOrigin: string;
  /** "https://127.0.0.1:<port>" (TLS: HTTP/2 by ALPN). */
  readonly httpsOrigin: string;
  /** The clients (CLIENT_HEADER) whose server-streaming call the handler saw cancelled by its client. */
  readonly cancelledBy: string[];
  close(): Promise<void>;
}

/** The status of an error whose details carry the EchoStatus the client asked for, as google.rpc.Status. */
function failureWithDetails(status: EchoStatusInput & { code: number; message: string }): GrpcError {
  const details = encodeStatusDetails({
    code: status.code,
    message: status.message,
    details: [{ typeUrl: "type.googleapis.com/grpc.testing.EchoStatus", value: EchoStatus.encode(status) }],
  });
  return new GrpcError(status.code as Code, status.message, { details });
}

/** The interop TestService handlers, with a delay header, error details and a record of cancels. */
function testService(cancelledBy: string[]): ServiceImplementation<typeof TestService> {
  const interop = createTestServiceImplementation("browser-test");
  const watch = (ctx: ServerContext): void => {
    const client = ctx.metadata.get(CLIENT_HEADER);
    if (typeof client !== "string") return;
    ctx.signal.addEventListener(
      "abort",
      () => {
        if (ctx.signal.reason instanceof GrpcError && ctx.signal.reason.code === Code.Cancelled) cancelledBy.push(client);
      },
      { once: true },
    );
  };
  return {
    ...interop,
    async unaryCall(request, ctx) {
      const delayMs = Number(ctx.metadata.get(DELAY_HEADER) ?? 0);
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: ctx.signal });
      const status = request.responseStatus;
      if (status !== undefined && status.code !== 0) throw failureWithDetails(status);
      return interop.unaryCall(request, ctx);
    },
    streamingOutputCall(request, ctx) {
      watch(ctx);
      return interop.streamingOutputCall(request, ctx);
    },
  };
}

/** Starts the server on 127.0.0.1 (two ports), serving the files of `siteFolder` as its pages. */
export async function startPageServer(siteFolder: string): Promise<PageServer> {
  const cancelledBy: string[] = [];
  const server = new Server({ logger: null, web: { http: serveFiles(siteFolder) } }).add(TestService, testService(cancelledBy));
  try {
    const plain = await server.listen({ host: "127.0.0.1", port: 0 });
    const secure = await server.listen({ host: "127.0.0.1", port: 0 }, testServerTls());
    return {
      httpOrigin: `http://127.0.0.1:${plain.port}`,
      httpsOrigin: `https://127.0.0.1:${secure.port}`,
      cancelledBy,
      close: () => server.forceShutdown(),
    };
  } catch (error) {
    await server.forceShutdown();
    throw error;
  }
}
