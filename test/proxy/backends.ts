// Two in-process tsgrpc backends behind the proxies, serving test.Relay with JSON messages. Each
// answer names the backend that served it, and each backend records what its handlers saw.
import { Server } from "../../src/index.js";
import { Metadata } from "../../src/metadata/index.js";
import { defineService } from "../../src/service/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { jsonCodec } from "../e2e/json-messages.js";

/** test.Relay: echo (unary), list (server streaming), collect (client streaming), chat (bidi), hang (unary, waits to be cancelled). */
export const Relay = defineService("test.Relay", {
  echo: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec },
  list: { kind: "server_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  collect: { kind: "client_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  chat: { kind: "bidi_streaming", requestCodec: jsonCodec, responseCodec: jsonCodec },
  hang: { kind: "unary", requestCodec: jsonCodec, responseCodec: jsonCodec },
});

/** What a Relay request may ask for. */
export interface RelayRequest {
  text?: string;
  /** Fail with this code and `text` as the message, before any response message (trailers-only). */
  fail?: number;
  /** list: how many responses; echo: the length of the `payload` to answer with. */
  count?: number;
  /** Bytes of padding (echo answers with `count` characters of its own). */
  payload?: string;
  /** hang: an id under which the backend records the handler's abort. */
  id?: string;
}

/** What a handler saw, recorded per backend. */
export interface HandlerRecord {
  /** hang: the code of the reason the handler's signal aborted with, by request id. */
  aborted: Map<string, number>;
  /** hang: request ids whose handler started. */
  started: Set<string>;
  /** The grpc-timeout the last echo saw, as the remaining ms at arrival. */
  remainingMs: number | undefined;
  /** Whether the last echo request arrived compressed. */
  requestCompressed: boolean;
}

/** A started backend. */
export interface Backend {
  name: string;
  server: Server;
  port: number;
  seen: HandlerRecord;
}

/** Starts one backend on 127.0.0.1, port 0, answering gzip-compressed when the client accepts it. */
export async function startBackend(name: string): Promise<Backend> {
  const seen: HandlerRecord = { aborted: new Map(), started: new Set(), remainingMs: undefined, requestCompressed: false };
  const server = new Server({ responseCompression: "gzip" });
  server.add(Relay, {
    async echo(request: RelayRequest, ctx) {
      seen.remainingMs = ctx.deadline === undefined ? undefined : ctx.deadline - Date.now();
      seen.requestCompressed = ctx.requestCompressed;
      if (request.fail !== undefined) throw new GrpcError(request.fail, request.text ?? "", { metadata: echoedMetadata(ctx.metadata) });
      ctx.headers.set("x-backend", name).set("x-head-bin", new Uint8Array([0, 1, 2, 255]));
      for (const [key, value] of echoedMetadata(ctx.metadata)) ctx.headers.add(key, value);
      ctx.trailers.set("x-tail", "done").set("x-tail-bin", new Uint8Array([255, 254, 0]));
      return {
        backend: name,
        text: request.text,
        received: request.payload?.length ?? 0,
        payload: request.count ? "r".repeat(request.count) : undefined,
        metadata: ctx.metadata.toJSON(),
      };
    },
    async *list(request: RelayRequest) {
      for (let i = 0; i < (request.count ?? 0); i++) yield { i, backend: name };
      if (request.fail !== undefined) throw new GrpcError(request.fail, request.text ?? "");
    },
    async collect(requests: AsyncIterable<RelayRequest>) {
      let count = 0;
      let bytes = 0;
      for await (const request of requests) {
        count++;
        bytes += request.payload?.length ?? 0;
      }
      return { count, bytes, backend: name };
    },
    async *chat(requests: AsyncIterable<RelayRequest>) {
      let i = 0;
      for await (const request of requests) {
        if (request.fail !== undefined) throw new GrpcError(request.fail, request.text ?? "");
        yield { i: i++, text: request.text, backend: name };
      }
    },
    async hang(request: RelayRequest, ctx) {
      const id = request.id ?? "";
      seen.started.add(id);
      await new Promise<void>((resolve) => {
        const onAbort = (): void => {
          const reason = ctx.signal.reason;
          seen.aborted.set(id, reason instanceof GrpcError ? reason.code : -1);
          resolve();
        };
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener("abort", onAbort, { once: true });
      });
      throw new GrpcError(Code.Cancelled, "hang: cancelled");
    },
  });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  return { name, server, port: port!, seen };
}

/** The request metadata whose key starts with "x-echo-", to be sent back (headers, or the error's trailers). */
function echoedMetadata(metadata: Metadata): Metadata {
  const echoed = new Metadata();
  for (const key of metadata.keys()) if (key.startsWith("x-echo-")) for (const value of metadata.getAll(key)) echoed.add(key, value);
  return echoed;
}
