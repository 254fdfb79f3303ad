// The Server driven by @grpc/grpc-js as a client: the four call kinds, metadata, statuses,
// deadlines, cancellation, interceptors, compression, TLS, mTLS and unix sockets.
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../project-root.js";
import {
  Code,
  GrpcError,
  Metadata,
  Server,
  type ServerContext,
  type ServerInterceptor,
  type ServiceImplementation,
} from "../../src/index.js";
import { Probe, type Started, grpcJsClient, sleep, startServer, unary } from "./server-fixtures.js";

/** The project root, found from this file (works from dist/ and .build/NAME/). */
const CERTS = join(projectRoot(), "interop", "certs");

const implementation: ServiceImplementation = {
  async echo(request: any, ctx: ServerContext) {
    if (request.fail !== undefined) {
      ctx.trailers.set("x-trailer", "on-error");
      throw new GrpcError(request.fail, request.text ?? "", { details: new Uint8Array([1, 2, 3]) });
    }
    if (request.throwPlain) throw new TypeError("internal detail that must not leak");
    if (request.sleepMs) await sleep(request.sleepMs);
    ctx.headers.set("x-header", "h1").set("x-header-bin", new Uint8Array([1, 2, 255]));
    ctx.trailers.set("x-trailer", "t1");
    return {
      text: request.text,
      user: ctx.metadata.get("x-user"),
      bin: ctx.metadata.has("x-data-bin") ? [...(ctx.metadata.get("x-data-bin") as Uint8Array)] : undefined,
      peer: ctx.peer,
      hasDeadline: ctx.deadline !== undefined,
      compressed: ctx.requestCompressed,
    };
  },
  async *list(request: any) {
    for (let i = 0; i < request.count; i++) yield { i };
  },
  async collect(requests: AsyncIterable<any>) {
    let sum = 0;
    for await (const request of requests) sum += request.n;
    return { sum };
  },
  async *chat(requests: AsyncIterable<any>) {
    for await (const request of requests) yield { echo: request.n };
  },
};

describe("e2e server: driven by @grpc/grpc-js", () => {
  let started: Started | undefined;
  let client: any;
  afterEach(async () => {
    client?.close();
    client = undefined;
    await started?.server.forceShutdown();
    started = undefined;
  });

  describe("call kinds, metadata and status", () => {
    beforeEach(async () => {
      started = await startServer(implementation);
      client = grpcJsClient(started.port);
    });

    it("unary: request metadata in, headers and trailers out, -bin both ways", async () => {
      const metadata = new grpc.Metadata();
      metadata.set("x-user", "ada");
      metadata.set("x-data-bin", Buffer.from([0, 254, 7]));
      const result = await unary(client, { text: "hi" }, { metadata });
      expect(result.error).to.equal(undefined);
      expect(result.response).to.include({ text: "hi", user: "ada", hasDeadline: false, compressed: false });
      expect(result.response.bin).to.deep.equal([0, 254, 7]);
      expect(result.response.peer).to.match(/^127\.0\.0\.1:\d+$/);
      expect(result.headers?.get("x-header")).to.deep.equal(["h1"]);
      expect(result.headers?.get("x-header-bin")).to.deep.equal([Buffer.from([1, 2, 255])]);
      expect(result.trailers?.get("x-trailer")).to.deep.equal(["t1"]);
    });

    it("server streaming", async () => {
      const received: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        const call = client.list({ count: 5 });
        call.on("data", (message: unknown) => received.push(message));
        call.on("error", reject);
        call.on("end", resolve);
      });
      expect(received).to.deep.equal([0, 1, 2, 3, 4].map((i) => ({ i })));
    });

    it("client streaming", async () => {
      const response = await new Promise<any>((resolve, reject) => {
        const call = client.collect((error: Error | null, value: unknown) => (error ? reject(error) : resolve(value)));
        for (let n = 1; n <= 4; n++) call.write({ n });
        call.end();
      });
      expect(response).to.deep.equal({ sum: 10 });
    });

    it("bidi streaming", async () => {
      const received: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        const call = client.chat();
        call.on("data", (message: any) => {
          received.push(message);
          if (received.length < 3) call.write({ n: received.length });
          else call.end();
        });
        call.on("error", reject);
        call.on("end", resolve);
        call.write({ n: 0 });
      });
      expect(received).to.deep.equal([{ echo: 0 }, { echo: 1 }, { echo: 2 }]);
    });

    it("a thrown GrpcError keeps its code, message, details and trailers", async () => {
      const result = await unary(client, { fail: Code.PermissionDenied, text: "not you ✗" });
      expect(result.error?.code).to.equal(Code.PermissionDenied);
      expect(result.error?.details).to.equal("not you ✗");
      expect(result.error?.metadata.get("x-trailer")).to.deep.equal(["on-error"]);
      expect(result.error?.metadata.get("grpc-status-details-bin")).to.deep.equal([Buffer.from([1, 2, 3])]);
    });

    it("anything else thrown is UNKNOWN without its text", async () => {
      const result = await unary(client, { throwPlain: true });
      expect(result.error?.code).to.equal(Code.Unknown);
      expect(result.error?.details).not.to.include("internal detail");
    });

    it("the client's deadline reaches the handler and expires as DEADLINE_EXCEEDED", async () => {
      const result = await unary(client, { sleepMs: 300 }, { deadlineMs: 50 });
      expect(result.error?.code).to.equal(Code.DeadlineExceeded);
      const fast = await unary(client, { text: "x" }, { deadlineMs: 5000 });
      expect(fast.response.hasDeadline).to.equal(true);
    });

    it("a gzip-compressed request from grpc-js is decoded and reported as compressed", async () => {
      const gzipClient = grpcJsClient(started!.port, grpc.credentials.createInsecure(), { "grpc.default_compression_algorithm": 2 });
      try {
        const result = await unary(gzipClient, { text: "zipped" });
        expect(result.response).to.include({ text: "zipped", compressed: true });
      } finally {
        gzipClient.close();
      }
    });

    it("implementation keys may be proto method names", async () => {
      const server = new Server();
      server.add(Probe, { Echo: async () => ({ by: "proto name" }) });
      const { port } = await server.listen({ port: 0 });
      const other = grpcJsClient(port!);
      try {
        expect((await unary(other, {})).response).to.deep.equal({ by: "proto name" });
        const unimplemented = await new Promise<grpc.ServiceError>((resolve) => other.list({}).on("error", resolve));
        expect(unimplemented.code).to.equal(Code.Unimplemented);
        expect(unimplemented.details).to.include("not implemented");
      } finally {
        other.close();
        await server.forceShutdown();
      }
    });
  });

  describe("cancellation", () => {
    it("grpc-js cancel() aborts the handler's signal and stops its generator", async () => {
      let finallyRan = false;
      let reason: unknown;
      started = await startServer({
        async *list(_request: unknown, ctx: ServerContext) {
          ctx.signal.addEventListener("abort", () => (reason = ctx.signal.reason));
          try {
            for (let i = 0; ; i++) {
              yield { i };
              await sleep(5);
            }
          } finally {
            finallyRan = true;
          }
        },
      });
      client = grpcJsClient(started.port);
      const call = client.list({});
      call.on("error", () => {});
      await new Promise((resolve) => call.once("data", resolve));
      call.cancel();
      for (let i = 0; i < 100 && !finallyRan; i++) await sleep(10);
      expect(finallyRan).to.equal(true);
      expect(reason).to.be.instanceOf(GrpcError).with.property("code", Code.Cancelled);
    });
  });

  describe("interceptors", () => {
    it("run outermost first around the handler, and see the call's outcome", async () => {
      const log: string[] = [];
      const first: ServerInterceptor = async (ctx, next) => {
        log.push(`first> ${ctx.method.name}`);
        try {
          await next();
          log.push("first< ok");
        } catch (error) {
          log.push(`first< ${(error as GrpcError).code}`);
          throw error;
        } finally {
          ctx.trailers.set("x-elapsed", "1");
        }
      };
      const second: ServerInterceptor = async (_ctx, next) => {
        log.push("second>");
        await next();
        log.push("second<");
      };
      started = await startServer(implementation, { interceptors: [first, second] });
      client = grpcJsClient(started.port);
      const ok = await unary(client, { text: "a" });
      expect(ok.trailers?.get("x-elapsed")).to.deep.equal(["1"]);
      const failed = await unary(client, { fail: Code.Aborted });
      expect(failed.error?.code).to.equal(Code.Aborted);
      expect(log).to.deep.equal(["first> Echo", "second>", "second<", "first< ok", "first> Echo", "second>", `first< ${Code.Aborted}`]);
    });

    it("can reject a call before the handler runs (auth)", async () => {
      let handlerRan = false;
      const auth: ServerInterceptor = async (ctx, next) => {
        if (ctx.metadata.get("authorization") !== "Bearer good") throw new GrpcError(Code.Unauthenticated, "bad token");
        await next();
      };
      started = await startServer({ echo: () => ((handlerRan = true), {}) }, { interceptors: [auth] });
      client = grpcJsClient(started.port);
      const denied = await unary(client, {});
      expect(denied.error?.code).to.equal(Code.Unauthenticated);
      expect(handlerRan).to.equal(false);
      const metadata = new grpc.Metadata();
      metadata.set("authorization", "Bearer good");
      expect((await unary(client, {}, { metadata })).error).to.equal(undefined);
    });

    it("cannot turn a failed call into OK by swallowing the error", async () => {
      const swallow: ServerInterceptor = async (_ctx, next) => {
        await next().catch(() => {});
      };
      started = await startServer(implementation, { interceptors: [swallow] });
      client = grpcJsClient(started.port);
      expect((await unary(client, { fail: Code.DataLoss })).error?.code).to.equal(Code.DataLoss);
    });
  });

  describe("transports", () => {
    const tlsOptions = () => ({
      cert: readFileSync(join(CERTS, "server.pem"), "utf8"),
      key: readFileSync(join(CERTS, "server.key"), "utf8"),
    });

    it("serves TLS (ALPN h2) to a client trusting the test CA", async () => {
      const server = new Server();
      server.add(Probe, implementation);
      const { port } = await server.listen({ port: 0 }, tlsOptions());
      const tlsClient = grpcJsClient(port!, grpc.credentials.createSsl(readFileSync(join(CERTS, "ca.pem"))));
      try {
        expect((await unary(tlsClient, { text: "secure" })).response).to.include({ text: "secure" });
      } finally {
        tlsClient.close();
        await server.forceShutdown();
      }
    });

    it("requires a valid client certificate with mTLS", async function () {
      const dir = mkdtempSync(join(tmpdir(), "tsgrpc-mtls-"));
      try {
        try {
          execFileSync(
            "openssl",
            [
              "req",
              "-x509",
              "-newkey",
              "rsa:2048",
              "-nodes",
              "-days",
              "1",
              "-subj",
              "/CN=tsgrpc test client",
              "-keyout",
              join(dir, "client.key"),
              "-out",
              join(dir, "client.pem"),
            ],
            { stdio: "ignore" },
          );
        } catch {
          this.skip();
        }
        const clientCert = readFileSync(join(dir, "client.pem"));
        const clientKey = readFileSync(join(dir, "client.key"));
        const server = new Server();
        server.add(Probe, implementation);
        const { port } = await server.listen({ port: 0 }, { ...tlsOptions(), ca: clientCert.toString(), requireClientCertificate: true });
        const ca = readFileSync(join(CERTS, "ca.pem"));
        const withCert = grpcJsClient(port!, grpc.credentials.createSsl(ca, clientKey, clientCert));
        const withoutCert = grpcJsClient(port!, grpc.credentials.createSsl(ca));
        try {
          expect((await unary(withCert, { text: "mutual" })).response).to.include({ text: "mutual" });
          expect((await unary(withoutCert, {}, { deadlineMs: 3000 })).error?.code).to.be.oneOf([Code.Unavailable, Code.DeadlineExceeded]);
        } finally {
          withCert.close();
          withoutCert.close();
          await server.forceShutdown();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("listens on a unix socket", async () => {
      const dir = mkdtempSync(join(tmpdir(), "tsgrpc-uds-"));
      const path = join(dir, "server.sock");
      const server = new Server();
      server.add(Probe, implementation);
      try {
        const bound = await server.listen({ path });
        expect(bound).to.deep.equal({ port: undefined, path });
        const udsClient = new (grpc.makeGenericClientConstructor({}, "x"))(`unix:${path}`, grpc.credentials.createInsecure());
        try {
          const response = await new Promise<any>((resolve, reject) =>
            udsClient.makeUnaryRequest(
              "/test.Probe/Echo",
              (value: unknown) => Buffer.from(JSON.stringify(value)),
              (bytes: Buffer) => JSON.parse(bytes.toString()),
              { text: "uds" },
              (error: Error | null, value: unknown) => (error ? reject(error) : resolve(value)),
            ),
          );
          expect(response).to.include({ text: "uds" });
        } finally {
          udsClient.close();
        }
      } finally {
        await server.forceShutdown();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("rejects listen() on a port in use with UNAVAILABLE", async () => {
      started = await startServer(implementation);
      const other = new Server();
      const error = await other.listen({ port: started.port }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Unavailable);
    });
  });

  it("Metadata is the public class the context uses", () => {
    expect(new Metadata().set("a", "b").get("a")).to.equal("b");
  });
});
