// The browser client against tsgrpc's own server (new Server({ web: true })), over all three
// protocols, in protobuf binary and in proto3 JSON (jsonFormat), with and without gzip both ways,
// and a decompression bomb from the server side.
import { expect } from "chai";
import { Code, Metadata, type Server, type ServerOptions } from "../../src/index.js";
import { createWebClient, type FetchFunction, type WebClientOptions, type WebProtocol } from "../../src/web-client/index.js";
import { jsonFormat } from "../../src/web-client/json.js";
import { drain, failure } from "./helpers.js";
import { EchoService, startWebServer } from "../web/web-fixtures.js";

/** What a recording fetch saw of one exchange. */
interface Exchange {
  requestHeaders: Headers;
  requestBody: Uint8Array | string;
  responseHeaders: Headers;
}

/** The global fetch, recording each request and its response's headers. */
function recordingFetch(): { fetch: FetchFunction; exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  return {
    exchanges,
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      exchanges.push({
        requestHeaders: new Headers(init.headers),
        requestBody: init.body as Uint8Array | string,
        responseHeaders: response.headers,
      });
      return response;
    },
  };
}

/** The bytes of a request body as sent (grpc-web-text bodies are base64 text). */
function bodyBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === "string" ? new Uint8Array(Buffer.from(body, "base64")) : body;
}

const PROTOCOLS: readonly WebProtocol[] = ["grpc-web", "grpc-web-text", "connect"];

/** The content type a call of `protocol` in `format` sends. */
function contentType(protocol: WebProtocol, format: "proto" | "json", streaming: boolean): string {
  if (protocol === "connect") return streaming ? `application/connect+${format}` : `application/${format}`;
  return `application/${protocol}+${format}`;
}

describe("web client against tsgrpc's server", function () {
  this.timeout(30_000);
  let server: Server;
  let url: string;
  let compressingServer: Server;
  let compressingUrl: string;
  before(async () => {
    ({ server, url } = await startWebServer());
    const options: ServerOptions = { responseCompression: "gzip" };
    ({ server: compressingServer, url: compressingUrl } = await startWebServer(options));
  });
  after(async () => {
    await server.forceShutdown();
    await compressingServer.forceShutdown();
  });

  for (const protocol of PROTOCOLS)
    for (const format of ["proto", "json"] as const)
      describe(`${protocol}, ${format}`, () => {
        const make = (options: Partial<WebClientOptions> = {}) => {
          const recorder = recordingFetch();
          const client = createWebClient(EchoService, {
            baseUrl: url,
            protocol,
            fetch: recorder.fetch,
            ...(format === "json" ? { format: jsonFormat() } : {}),
            ...options,
          });
          return { client, exchanges: recorder.exchanges };
        };

        it("unary: the request and response, bytes included, in the format's content type", async () => {
          const { client, exchanges } = make();
          const blob = new Uint8Array([0, 1, 2, 250, 251, 255]);
          const response = await client.echo({ text: "héllo", blob }, { metadata: new Metadata().set("x-echo", "e") });
          expect(response).to.deep.include({ text: "héllo", echoed: "e" });
          expect([...response.blob]).to.deep.equal([...blob]);
          expect(exchanges[0]!.requestHeaders.get("content-type")).to.equal(contentType(protocol, format, false));
          expect(exchanges[0]!.responseHeaders.get("content-type")).to.equal(contentType(protocol, format, false));
          if (format === "json") {
            const body = bodyBytes(exchanges[0]!.requestBody);
            const json = new TextDecoder().decode(protocol === "connect" ? body : body.subarray(5));
            expect(JSON.parse(json)).to.deep.equal({ text: "héllo", blob: "AAEC+vv/" });
          }
        });

        it("server streaming: every response in order, then the trailers", async () => {
          const { client } = make();
          let trailers: Metadata | undefined;
          const { items, error } = await drain(client.expand({ text: "n", count: 3 }, { onTrailers: (received) => (trailers = received) }));
          expect(error).to.equal(undefined);
          expect(items.map((item) => [item.text, item.index])).to.deep.equal([
            ["n 0", 0],
            ["n 1", 1],
            ["n 2", 2],
          ]);
          expect(trailers?.get("x-trailer")).to.equal("t");
        });

        it("an error status with its details", async () => {
          const { client } = make();
          const error = await failure(client.echo({ text: "bad", failCode: Code.NotFound }));
          expect(error.code).to.equal(Code.NotFound);
          expect(error.statusMessage).to.equal("failed: bad");
          expect(error.statusDetails?.details[0]?.typeUrl).to.equal("type.googleapis.com/tsgrpc.webtest.Problem");
        });

        it("an error after streamed responses", async () => {
          const { client } = make();
          const { items, error } = await drain(client.expand({ text: "x", count: 2, failCode: Code.Aborted }));
          expect(items.length).to.equal(2);
          expect(error?.code).to.equal(Code.Aborted);
        });

        for (const compression of ["gzip", "deflate"] as const)
          it(`sendCompression ${compression}: the request goes compressed, the server reads it`, async () => {
            const { client, exchanges } = make({ sendCompression: compression });
            const text = "compress me ".repeat(200);
            expect((await client.echo({ text })).text).to.equal(text);
            const { items } = await drain(client.expand({ text, count: 1 }));
            expect(items[0]?.text).to.equal(`${text} 0`);
            const [unary, streaming] = exchanges;
            const unaryBody = bodyBytes(unary!.requestBody);
            if (protocol === "connect") {
              expect(unary!.requestHeaders.get("content-encoding")).to.equal(compression);
              expect(unaryBody.length).to.be.lessThan(text.length / 4);
              expect(streaming!.requestHeaders.get("connect-content-encoding")).to.equal(compression);
            } else {
              expect(unary!.requestHeaders.get("grpc-encoding")).to.equal(compression);
              expect(unaryBody[0]).to.equal(1);
              expect(unaryBody.length).to.be.lessThan(text.length / 4);
            }
            expect(bodyBytes(streaming!.requestBody)[0] === 1 || protocol === "connect").to.equal(true);
          });

        it("a per-call sendCompression: identity overrides the client's", async () => {
          const { client, exchanges } = make({ sendCompression: "gzip" });
          await client.echo({ text: "plain" }, { sendCompression: "identity" });
          const headers = exchanges[0]!.requestHeaders;
          expect(headers.has("grpc-encoding") || headers.has("content-encoding") || headers.has("connect-content-encoding")).to.equal(
            false,
          );
        });

        it("gzip responses: offered, received compressed, decompressed", async () => {
          const recorder = recordingFetch();
          const client = createWebClient(EchoService, {
            baseUrl: compressingUrl,
            protocol,
            fetch: recorder.fetch,
            ...(format === "json" ? { format: jsonFormat() } : {}),
          });
          const text = "a response worth compressing ".repeat(100);
          expect((await client.echo({ text })).text).to.equal(text);
          const { items } = await drain(client.expand({ text, count: 2 }));
          expect(items.map((item) => item.text)).to.deep.equal([`${text} 0`, `${text} 1`]);
          const [unary, streaming] = recorder.exchanges;
          if (protocol === "connect") {
            // Unary: HTTP's own compression, which fetch negotiated and decoded.
            expect(unary!.responseHeaders.get("content-encoding")).to.equal("gzip");
            expect(streaming!.requestHeaders.get("connect-accept-encoding")).to.equal("gzip,deflate");
            expect(streaming!.responseHeaders.get("connect-content-encoding")).to.equal("gzip");
          } else {
            expect(unary!.requestHeaders.get("grpc-accept-encoding")).to.equal("gzip,deflate");
            expect(unary!.responseHeaders.get("grpc-encoding")).to.equal("gzip");
            expect(streaming!.responseHeaders.get("grpc-encoding")).to.equal("gzip");
          }
        });

        it("acceptCompression: [] asks for no compression, and gets none", async () => {
          const recorder = recordingFetch();
          const client = createWebClient(EchoService, {
            baseUrl: compressingUrl,
            protocol,
            fetch: recorder.fetch,
            acceptCompression: [],
            ...(format === "json" ? { format: jsonFormat() } : {}),
          });
          const { items } = await drain(client.expand({ text: "t".repeat(1000), count: 1 }));
          expect(items.length).to.equal(1);
          const headers = recorder.exchanges[0]!.responseHeaders;
          expect(headers.get("grpc-encoding") ?? headers.get("connect-content-encoding") ?? "identity").to.equal("identity");
        });

        it("a decompression bomb from the server: RESOURCE_EXHAUSTED naming the client and the limit", async () => {
          const client = createWebClient(EchoService, {
            baseUrl: compressingUrl,
            protocol,
            maxReceiveMessageBytes: 64 * 1024,
            ...(format === "json" ? { format: jsonFormat() } : {}),
          });
          // 1 MiB of zeros: about 1 KiB compressed, 16 times the limit once inflated.
          const blob = new Uint8Array(1024 * 1024);
          const error = await failure(client.echo({ blob }));
          expect(error.code).to.equal(Code.ResourceExhausted);
          // gRPC-Web: the client inflates the message itself; Connect unary: fetch does (content-encoding).
          expect(error.statusMessage).to.match(
            protocol === "connect"
              ? /^web client: .*exceeds maxReceiveMessageBytes 65536$/
              : /^web client: .*after gzip decompression exceeds maxReceiveMessageBytes 65536$/,
          );
        });
      });

  it("JSON: a service without a schema is a TypeError when the client is created", () => {
    const { files: _, ...withoutSchema } = EchoService;
    expect(() => createWebClient(withoutSchema, { baseUrl: url, format: jsonFormat() })).to.throw(TypeError, /has no schema/);
  });

  it("JSON: the request is printed with the format's options (emitDefaults, useProtoFieldName)", async () => {
    const recorder = recordingFetch();
    const client = createWebClient(EchoService, {
      baseUrl: url,
      protocol: "connect",
      fetch: recorder.fetch,
      format: jsonFormat({ emitDefaults: true, useProtoFieldName: true }),
    });
    await client.echo({ text: "t" });
    expect(JSON.parse(new TextDecoder().decode(bodyBytes(recorder.exchanges[0]!.requestBody)))).to.deep.equal({
      text: "t",
      count: 0,
      fail_code: 0,
      delay_ms: 0,
      blob: "",
    });
  });
});
