import { Code as ConnectCode, ConnectError } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { expect } from "chai";
import type { Server } from "../../src/index.js";
import { type EchoClient, echoClient, startWebServer } from "./web-fixtures.js";

for (const protocol of ["grpc-web", "connect"] as const)
  for (const httpVersion of ["1.1", "2"] as const)
    for (const useBinaryFormat of [true, false])
      describe(`web: ${protocol} over HTTP/${httpVersion} (${useBinaryFormat ? "binary" : "JSON"}), Connect-ES client`, () => {
        let server: Server;
        let client: EchoClient;
        before(async () => {
          const started = await startWebServer();
          server = started.server;
          const make = protocol === "grpc-web" ? createGrpcWebTransport : createConnectTransport;
          client = echoClient(make({ baseUrl: started.url, httpVersion, useBinaryFormat }));
        });
        after(async () => {
          await server?.forceShutdown();
        });

        it("unary", async () => {
          const response = await client.echo({ text: "hello", blob: new Uint8Array([1, 2, 3]) });
          expect(response.text).to.equal("hello");
          expect([...response.blob]).to.deep.equal([1, 2, 3]);
        });

        it("metadata both ways", async () => {
          let headers: Headers | undefined;
          let trailers: Headers | undefined;
          const response = await client.echo(
            { text: "m" },
            { headers: { "x-echo": "echo me" }, onHeader: (h: Headers) => (headers = h), onTrailer: (t: Headers) => (trailers = t) },
          );
          expect(response.echoed).to.equal("echo me");
          expect(headers?.get("x-header")).to.equal("h");
          expect(trailers?.get("x-trailer")).to.equal("t");
        });

        it("an error with its code, message and details", async () => {
          const error = await client.echo({ text: "x", failCode: 5 }).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (!(error instanceof ConnectError)) throw new Error(`expected a ConnectError, got ${String(error)}`);
          expect(error.code).to.equal(ConnectCode.NotFound);
          expect(error.rawMessage).to.equal("failed: x");
          expect(error.details).to.have.length(1);
          expect((error.details[0] as { type: string }).type).to.equal("tsgrpc.webtest.Problem");
        });

        it("server streaming", async () => {
          const texts: string[] = [];
          for await (const response of client.expand({ text: "s", count: 3 })) texts.push(response.text);
          expect(texts).to.deep.equal(["s 0", "s 1", "s 2"]);
        });

        it("server streaming that fails after messages", async () => {
          const texts: string[] = [];
          const error = await (async () => {
            for await (const response of client.expand({ text: "f", count: 2, failCode: 9 })) texts.push(response.text);
          })().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(texts).to.deep.equal(["f 0", "f 1"]);
          expect(error).to.be.instanceOf(ConnectError);
          expect((error as ConnectError).code).to.equal(ConnectCode.FailedPrecondition);
        });

        it("a deadline", async () => {
          const error = await client.echo({ text: "slow", delayMs: 5000 }, { timeoutMs: 100 }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).to.be.instanceOf(ConnectError);
          expect((error as ConnectError).code).to.equal(ConnectCode.DeadlineExceeded);
        });

        it("client streaming over HTTP/2", async function () {
          if (httpVersion !== "2") this.skip(); // fetch-style HTTP/1.1 bodies are not streamed both ways
          async function* requests() {
            yield { text: "a" };
            yield { text: "b" };
          }
          const response = await client.collect(requests());
          expect(response.text).to.equal("ab");
        });
      });
