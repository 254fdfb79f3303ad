// A server with EchoService and the web protocols on, and Connect-ES clients for it.
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { type CallOptions, type Transport, createClient } from "@connectrpc/connect";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { setTimeout as sleep } from "node:timers/promises";
import { type Code, GrpcError, Server, type ServerOptions, type ServiceImplementation, encodeStatusDetails } from "../../src/index.js";
import { EchoResponse, EchoService, Problem, file_webtest } from "./gen/webtest_pb.js";

export { EchoService };

/** The service as Connect-ES sees it, from the FileDescriptorProto the generator embedded (protoc's own, json_name included). */
export const echoServiceDesc = createFileRegistry(fromBinary(FileDescriptorProtoSchema, file_webtest), () => undefined).getService(
  "tsgrpc.webtest.EchoService",
)!;

/** What every handler records, so tests can see cancellations reach the server. */
export const observed: { aborted: string[] } = { aborted: [] };

async function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    observed.aborted.push(String(signal.reason?.message ?? "aborted"));
    throw signal.reason;
  }
}

function failure(code: number, text: string): GrpcError {
  const details = encodeStatusDetails({
    code,
    message: `failed: ${text}`,
    details: [{ typeUrl: "type.googleapis.com/tsgrpc.webtest.Problem", value: Problem.encode({ reason: `because ${text}` }) }],
  });
  return new GrpcError(code as Code, `failed: ${text}`, { details });
}

export const echoImplementation: ServiceImplementation<typeof EchoService> = {
  async echo(request, ctx) {
    await wait(request.delayMs, ctx.signal);
    const echoed = ctx.metadata.get("x-echo");
    ctx.headers.set("x-header", "h");
    ctx.trailers.set("x-trailer", "t");
    const bin = ctx.metadata.get("x-bin-bin");
    if (bin !== undefined) ctx.trailers.set("x-trailer-bin", bin);
    if (request.failCode !== 0) throw failure(request.failCode, request.text);
    return { text: request.text, blob: request.blob, echoed: typeof echoed === "string" ? echoed : "" };
  },
  lookup(request) {
    return { text: `looked up ${request.text}` };
  },
  async *expand(request, ctx) {
    ctx.headers.set("x-header", "h");
    for (let index = 0; index < request.count; index++) {
      yield { text: `${request.text} ${index}`, index };
      await wait(request.delayMs, ctx.signal);
    }
    ctx.trailers.set("x-trailer", "t");
    if (request.failCode !== 0) throw failure(request.failCode, request.text);
  },
  async collect(requests) {
    let text = "";
    for await (const request of requests) text += request.text;
    return { text };
  },
};

/** Starts a server with the web protocols on 127.0.0.1:0. */
export async function startWebServer(options: ServerOptions = {}): Promise<{ server: Server; port: number; url: string }> {
  const server = new Server({ web: true, logger: null, ...options }).add(EchoService, echoImplementation);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return { server, port: port!, url: `http://127.0.0.1:${port}` };
}

export { EchoResponse };

/** A message of EchoService as Connect-ES gives it (a plain object with the fields). */
export interface EchoMessage {
  text: string;
  index: number;
  blob: Uint8Array;
  echoed: string;
}

/** EchoService on a Connect-ES transport, typed for the tests (the registry's descriptor is untyped). */
export interface EchoClient {
  echo(request: Partial<Record<string, unknown>>, options?: CallOptions): Promise<EchoMessage>;
  lookup(request: Partial<Record<string, unknown>>, options?: CallOptions): Promise<EchoMessage>;
  expand(request: Partial<Record<string, unknown>>, options?: CallOptions): AsyncIterable<EchoMessage>;
  collect(requests: AsyncIterable<Partial<Record<string, unknown>>>, options?: CallOptions): Promise<EchoMessage>;
}

/** A Connect-ES client of EchoService. */
export function echoClient(transport: Transport): EchoClient {
  return createClient(echoServiceDesc, transport) as unknown as EchoClient;
}
