// Fixtures for the server e2e tests: a JSON-codec service, a server on 127.0.0.1:0, a raw
// node:http2 client for protocol-level checks, and a grpc-js client for the same service.
import * as grpc from "@grpc/grpc-js";
import http2 from "node:http2";
import { gzipSync } from "node:zlib";
import { Server, type ServerOptions, type ServiceImplementation } from "../../src/index.js";
import { defineService, type Service } from "../../src/service/index.js";
import { grpcJsonMethod, jsonCodec } from "./json-messages.js";

/** test.Probe: echo (unary), list (server streaming), collect (client streaming), chat (bidi). */
export const Probe: Service = defineService("test.Probe", {
  echo: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec },
  list: { kind: "server_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  collect: { kind: "client_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  chat: { kind: "bidi_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
});

/** A started server and its port. */
export interface Started {
  server: Server;
  port: number;
}

/** Starts a Server with test.Probe on 127.0.0.1, port 0. */
export async function startServer(implementation: ServiceImplementation, options: ServerOptions = {}): Promise<Started> {
  const server = new Server(options);
  server.add(Probe, implementation);
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return { server, port: port! };
}

/** One message framed as gRPC does: flag, 4-byte length, JSON payload (gzip when `compressed`). */
export function frame(value: unknown, compressed = false): Buffer {
  let payload = Buffer.from(JSON.stringify(value));
  if (compressed) payload = gzipSync(payload);
  const header = Buffer.alloc(5);
  header[0] = compressed ? 1 : 0;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** Splits a response body into frames: [compressed flag, payload]. */
export function unframe(body: Buffer): { compressed: boolean; payload: Buffer }[] {
  const frames: { compressed: boolean; payload: Buffer }[] = [];
  let offset = 0;
  while (offset + 5 <= body.length) {
    const length = body.readUInt32BE(offset + 1);
    frames.push({ compressed: body[offset] === 1, payload: body.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  return frames;
}

/** What a raw request saw. */
export interface RawResult {
  headers: http2.IncomingHttpHeaders;
  /** True when the response headers carried END_STREAM (trailers-only). */
  trailersOnly: boolean;
  trailers: http2.IncomingHttpHeaders | undefined;
  body: Buffer;
  /** The RST_STREAM code the stream closed with (0 when it closed normally). */
  rstCode: number;
}

/** A raw request: any headers, body chunks written one by one, END_STREAM unless `keepOpen`. */
export interface RawRequest {
  path?: string;
  headers?: http2.OutgoingHttpHeaders;
  body?: Buffer[];
  keepOpen?: boolean;
  /** Wait this long after the response ends, to see a late RST_STREAM. */
  lingerMs?: number;
}

/** Sends one raw HTTP/2 request to the server and collects everything that comes back. */
export function rawCall(port: number, request: RawRequest = {}): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const stream = session.request({
      ":method": "POST",
      ":path": request.path ?? "/test.Probe/Echo",
      "content-type": "application/grpc",
      te: "trailers",
      ...request.headers,
    });
    const result: RawResult = { headers: {}, trailersOnly: false, trailers: undefined, body: Buffer.alloc(0), rstCode: 0 };
    const chunks: Buffer[] = [];
    stream.on("response", (headers, flags) => {
      result.headers = headers;
      result.trailersOnly = (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    });
    stream.on("trailers", (trailers) => (result.trailers = trailers));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", () => {});
    stream.on("close", () => {
      result.body = Buffer.concat(chunks);
      result.rstCode = stream.rstCode ?? 0;
      setTimeout(() => {
        session.close();
        resolve(result);
      }, request.lingerMs ?? 0);
    });
    for (const chunk of request.body ?? []) stream.write(chunk);
    if (!request.keepOpen) stream.end();
  });
}

/** The status of a raw result, from the trailers or the trailers-only headers. */
export function statusOf(result: RawResult): { code: number; message: string | undefined } {
  const block = result.trailers ?? result.headers;
  return { code: Number(block["grpc-status"]), message: block["grpc-message"] as string | undefined };
}

const ProbeClient = grpc.makeGenericClientConstructor(
  {
    echo: grpcJsonMethod("/test.Probe/Echo", false, false),
    list: grpcJsonMethod("/test.Probe/List", false, true),
    collect: grpcJsonMethod("/test.Probe/Collect", true, false),
    chat: grpcJsonMethod("/test.Probe/Chat", true, true),
  } as grpc.ServiceDefinition,
  "Probe",
);

/** A grpc-js client of test.Probe on 127.0.0.1:port (plaintext unless credentials are given). */
export function grpcJsClient(port: number, credentials = grpc.credentials.createInsecure(), options: grpc.ClientOptions = {}): any {
  return new ProbeClient(`127.0.0.1:${port}`, credentials, options);
}

/** A grpc-js unary call as a promise, with the received headers and trailers. */
export function unary(
  client: any,
  request: unknown,
  options: { metadata?: grpc.Metadata; deadlineMs?: number; method?: string } = {},
): Promise<{ response?: any; error?: grpc.ServiceError; headers?: grpc.Metadata; trailers?: grpc.Metadata }> {
  return new Promise((resolve) => {
    const out: { response?: any; error?: grpc.ServiceError; headers?: grpc.Metadata; trailers?: grpc.Metadata } = {};
    const callOptions = options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
    const call = client[options.method ?? "echo"](
      request,
      options.metadata ?? new grpc.Metadata(),
      callOptions,
      (error: grpc.ServiceError | null, response: any) => {
        if (error) out.error = error;
        else out.response = response;
      },
    );
    call.on("metadata", (headers: grpc.Metadata) => (out.headers = headers));
    call.on("status", (status: grpc.StatusObject) => {
      out.trailers = status.metadata;
      // The callback runs before 'status'; resolve on the next tick so both are in.
      setImmediate(() => resolve(out));
    });
  });
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
