// The browser client against a server nobody here wrote: Connect-ES (connect-node) serving
// grpc.testing.TestService, called through Node's own fetch over gRPC-Web and Connect.
import { ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { expect } from "chai";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { TestService } from "../../src/interop/gen/grpc/testing/test_pb.js";
import { Code, GrpcError, Metadata } from "../../src/index.js";
import { createWebClient, type FetchFunction, type WebProtocol } from "../../src/web-client/index.js";
import { jsonFormat } from "../../src/web-client/json.js";
import { drain, failure } from "./helpers.js";
import { startConnectServer, type ConnectTestServer } from "../browser/connect-server.js";
import { EchoService, echoServiceDesc } from "../web/web-fixtures.js";

for (const protocol of ["grpc-web", "connect"] as WebProtocol[]) {
  describe(`web client (${protocol}) against Connect-ES's server`, function () {
    this.timeout(20_000);
    let server: ConnectTestServer;
    before(async () => {
      server = await startConnectServer();
    });
    after(() => server.close());
    const client = () => createWebClient(TestService, { baseUrl: server.baseUrl, protocol });

    it("unary: sends the request and receives the response", async () => {
      const response = await client().unaryCall({ responseSize: 314, payload: { body: new Uint8Array(271) } });
      expect(response.payload?.body.length).to.equal(314);
    });

    it("unary: the empty message both ways", async () => {
      expect(await client().emptyCall({})).to.deep.equal({});
    });

    it("metadata: request metadata goes out, headers and trailers come back (ASCII and -bin)", async () => {
      let headers: Metadata | undefined;
      let trailers: Metadata | undefined;
      const metadata = new Metadata()
        .set("x-grpc-test-echo-initial", "hello")
        .set("x-grpc-test-echo-trailing-bin", new Uint8Array([0xab, 0xab, 0xab]));
      await client().unaryCall(
        { responseSize: 1 },
        { metadata, onHeaders: (received) => (headers = received), onTrailers: (received) => (trailers = received) },
      );
      expect(headers?.get("x-grpc-test-echo-initial")).to.equal("hello");
      expect(headers?.has("x-grpc-test-echo-trailing-bin")).to.equal(false);
      expect(trailers?.get("x-grpc-test-echo-trailing-bin")).to.deep.equal(new Uint8Array([0xab, 0xab, 0xab]));
      expect(server.log.lastHeaders?.get("x-grpc-test-echo-initial")).to.equal("hello");
    });

    it("server streaming: every response, in order", async () => {
      const { items, error } = await drain(client().streamingOutputCall({ responseParameters: [{ size: 1 }, { size: 2 }, { size: 3 }] }));
      expect(error).to.equal(undefined);
      expect(items.map((item) => item.payload?.body.length)).to.deep.equal([1, 2, 3]);
    });

    it("an error status, with its message and details", async () => {
      const error = await failure(client().unaryCall({ responseStatus: { code: Code.NotFound, message: "no such thing: ☃ 100%" } }));
      expect(error.code).to.equal(Code.NotFound);
      expect(error.statusMessage).to.equal("no such thing: ☃ 100%");
      const details = error.statusDetails;
      expect(details?.code).to.equal(Code.NotFound);
      expect(details?.details.map((detail) => detail.typeUrl)).to.deep.equal(["type.googleapis.com/grpc.testing.EchoStatus"]);
    });

    it("a stream that fails after some responses", async () => {
      const { items, error } = await drain(
        client().streamingOutputCall({
          responseParameters: [{ size: 1 }, { size: 2 }],
          responseStatus: { code: Code.Aborted, message: "stop" },
        }),
      );
      expect(items).to.have.length(2);
      expect(error?.code).to.equal(Code.Aborted);
      expect(error?.statusMessage).to.equal("stop");
    });

    it("a deadline: DEADLINE_EXCEEDED, and the server hears of it", async () => {
      const aborted = server.log.aborted;
      const error = await failure(client().unaryCall({}, { timeoutMs: 200, metadata: new Metadata().set("x-test-delay-ms", "10000") }));
      expect(error.code).to.equal(Code.DeadlineExceeded);
      // The server sees the timeout header (and the client's abort): its handler's signal aborts.
      for (let i = 0; i < 100 && server.log.aborted === aborted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.log.aborted).to.be.greaterThan(aborted);
    });

    it("a deadline during a stream", async () => {
      const { items, error } = await drain(
        client().streamingOutputCall({ responseParameters: [{ size: 1 }, { size: 1, intervalUs: 10_000_000 }] }, { timeoutMs: 300 }),
      );
      expect(items).to.have.length(1);
      expect(error?.code).to.equal(Code.DeadlineExceeded);
    });

    it("cancel by AbortSignal: CANCELLED, and the server's handler is aborted", async () => {
      const aborted = server.log.aborted;
      const controller = new AbortController();
      const responses = client().streamingOutputCall(
        { responseParameters: [{ size: 1 }, { size: 1, intervalUs: 10_000_000 }] },
        { signal: controller.signal },
      );
      const items: unknown[] = [];
      let caught: unknown;
      try {
        for await (const item of responses) {
          items.push(item);
          controller.abort();
        }
      } catch (error) {
        caught = error;
      }
      expect(items).to.have.length(1);
      expect(caught).to.be.instanceOf(GrpcError).with.property("code", Code.Cancelled);
      for (let i = 0; i < 100 && server.log.aborted === aborted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.log.aborted).to.be.greaterThan(aborted);
    });

    it("breaking out of a stream cancels the call at the server", async () => {
      const aborted = server.log.aborted;
      for await (const _item of client().streamingOutputCall({ responseParameters: [{ size: 1 }, { size: 1, intervalUs: 10_000_000 }] }))
        break;
      for (let i = 0; i < 100 && server.log.aborted === aborted; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.log.aborted).to.be.greaterThan(aborted);
    });

    it("an unknown method: UNIMPLEMENTED", async () => {
      const error = await failure(client().unimplementedCall({}));
      expect(error.code).to.equal(Code.Unimplemented);
    });

    it("a server that is not there: UNAVAILABLE", async () => {
      const error = await failure(createWebClient(TestService, { baseUrl: "http://127.0.0.1:1", protocol }).emptyCall({}));
      expect(error.code).to.equal(Code.Unavailable);
    });

    it("gzip both ways: a compressed request, compressed responses", async () => {
      const seen: Headers[] = [];
      const recording: FetchFunction = async (url, init) => {
        const response = await fetch(url, init);
        seen.push(response.headers);
        return response;
      };
      const gzip = createWebClient(TestService, { baseUrl: server.baseUrl, protocol, sendCompression: "gzip", fetch: recording });
      // Connect-ES compresses messages of 1 KiB and more.
      const response = await gzip.unaryCall({ responseSize: 4096, payload: { body: new Uint8Array(4096) } });
      expect(response.payload?.body.length).to.equal(4096);
      const { items } = await drain(gzip.streamingOutputCall({ responseParameters: [{ size: 4096 }, { size: 5000 }] }));
      expect(items.map((item) => item.payload?.body.length)).to.deep.equal([4096, 5000]);
      const [unary, streaming] = seen;
      if (protocol === "connect") {
        expect(unary!.get("content-encoding")).to.equal("gzip");
        expect(streaming!.get("connect-content-encoding")).to.equal("gzip");
      } else expect(unary!.get("grpc-encoding")).to.equal("gzip");
    });
  });
}

// JSON against Connect-ES: EchoService, whose schema Connect-ES reads with protoc's JSON names
// (see echoServiceDesc), served by connect-node on 127.0.0.1.
describe("web client JSON against Connect-ES's server", function () {
  this.timeout(20_000);
  const http = createServer(
    connectNodeAdapter({
      // The descriptor is built from bytes at run time, so neither it nor the handlers are typed.
      routes: (router) =>
        router.service(
          echoServiceDesc as never,
          {
            echo: (request: { text: string; blob: Uint8Array; failCode: number }) => {
              if (request.failCode !== 0) throw new ConnectError(`failed: ${request.text}`, request.failCode);
              return { text: request.text, blob: request.blob, index: 7 };
            },
            async *expand(request: { text: string; count: number }) {
              for (let index = 0; index < request.count; index++) yield { text: `${request.text} ${index}`, index };
            },
          } as never,
        ),
    }),
  );
  let baseUrl: string;
  before(async () => {
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  for (const protocol of ["grpc-web", "connect"] as WebProtocol[])
    it(`${protocol}: unary, server streaming and an error in proto3 JSON`, async () => {
      const client = createWebClient(EchoService, { baseUrl, protocol, format: jsonFormat(), sendCompression: "gzip" });
      const response = await client.echo({ text: "json ☃", blob: new Uint8Array([251, 255]) });
      expect(response).to.deep.include({ text: "json ☃", index: 7 });
      expect([...response.blob]).to.deep.equal([251, 255]);
      const { items, error } = await drain(client.expand({ text: "n", count: 2 }));
      expect(error).to.equal(undefined);
      expect(items.map((item) => [item.text, item.index])).to.deep.equal([
        ["n 0", 0],
        ["n 1", 1],
      ]);
      const failed = await failure(client.echo({ text: "x", failCode: Code.NotFound }));
      expect([failed.code, failed.statusMessage]).to.deep.equal([Code.NotFound, "failed: x"]);
    });
});
