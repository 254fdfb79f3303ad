// Real backends for the load-balancing e2e tests: tsgrpc Servers on 127.0.0.1:0 serving
// test.Probe/echo (answering with their id, or failing a given share of calls) and, when asked,
// a hand-written grpc.health.v1.Health whose status the test flips.
import protobuf from "protobufjs";
import { type Codec, rawCodec } from "../../src/codec/index.js";
import { Code, GrpcError, Server, type ServerContext } from "../../src/index.js";
import { defineService } from "../../src/service/index.js";
import { Probe } from "../e2e/server-fixtures.js";

const root = protobuf.parse(`
  syntax = "proto3";
  package grpc.health.v1;
  message HealthCheckRequest { string service = 1; }
  message HealthCheckResponse { enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; } ServingStatus status = 1; }
`).root;

function codecOf<T>(name: string): Codec<T> {
  const type = root.lookupType(name);
  return {
    encode: (value) => type.encode(type.fromObject(value as object)).finish(),
    decode: (bytes) => type.toObject(type.decode(bytes), { enums: Number }) as T,
  };
}

/** grpc.health.v1.Health, Watch only (the method client-side health checking uses). */
export const Health = defineService("grpc.health.v1.Health", {
  Watch: {
    kind: "server_streaming",
    requestCodec: codecOf<{ service?: string }>("grpc.health.v1.HealthCheckRequest"),
    responseCodec: codecOf<{ status: number }>("grpc.health.v1.HealthCheckResponse"),
  },
});

/** grpc.health.v1.Health with raw bytes both ways, for servers that answer what no real one would. */
export const RawHealth = defineService("grpc.health.v1.Health", {
  Watch: { kind: "server_streaming", requestCodec: rawCodec, responseCodec: rawCodec },
});

/** A server's health, per service name; watchers hear every change. */
export class HealthStatus {
  private readonly statuses = new Map<string, number>();
  private waiters: (() => void)[] = [];
  /** The service names Watch calls asked for, in order. */
  readonly asked: string[] = [];

  /** Sets a service's status (1 SERVING, 2 NOT_SERVING) and tells the watchers. */
  set(service: string, status: number): void {
    this.statuses.set(service, status);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The Watch handler: the current status at once, then each change, until the call ends. */
  readonly watch = async function* (this: HealthStatus, request: { service?: string }, ctx: ServerContext) {
    const service = request.service ?? "";
    this.asked.push(service);
    const ended = new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
    let last: number | undefined;
    while (!ctx.signal.aborted) {
      const status = this.statuses.get(service) ?? 3; // SERVICE_UNKNOWN
      if (status !== last) yield { status };
      last = status;
      await Promise.race([ended, new Promise<void>((resolve) => this.waiters.push(resolve))]);
    }
  };
}

/** A running backend. */
export interface Backend {
  id: string;
  server: Server;
  port: number;
  /** Calls this backend's echo handler answered (OK or failed). */
  calls: number;
  /** The share of echo calls that fail UNAVAILABLE (0 to 1); the test may change it while running. */
  failShare: number;
  health: HealthStatus | undefined;
}

/** Starts a backend on 127.0.0.1:0; `failShare` of its echo calls fail UNAVAILABLE; `health` adds the Health service. */
export async function startBackend(
  id: string,
  options: { failShare?: number; health?: boolean; rawWatch?: (request: Uint8Array) => Iterable<Uint8Array> } = {},
): Promise<Backend> {
  const server = new Server();
  const health = options.health === true ? new HealthStatus() : undefined;
  const backend: Backend = { id, server, port: 0, calls: 0, failShare: options.failShare ?? 0, health };
  let failed = 0;
  server.add(Probe, {
    echo: (request: unknown) => {
      backend.calls++;
      // Deterministic share: fail when the failures so far fall behind failShare x calls.
      if (failed < backend.failShare * backend.calls) {
        failed++;
        throw new GrpcError(Code.Unavailable, `test: backend ${id} fails this call`);
      }
      return { server: id, request };
    },
    list: () => [],
    collect: async () => ({}),
    chat: async function* () {},
  });
  if (health !== undefined) server.add(Health, { Watch: (request, ctx) => health.watch(request, ctx) });
  const rawWatch = options.rawWatch;
  if (rawWatch !== undefined) server.add(RawHealth, { Watch: (request) => rawWatch(request) });
  backend.port = (await server.listen({ host: "127.0.0.1", port: 0 })).port!;
  return backend;
}
