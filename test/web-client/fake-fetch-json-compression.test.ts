// The browser client's JSON format and message compression against a fake fetch: compressed
// messages, trailers and end-stream messages cut anywhere, content types of the wrong format,
// JSON of the wrong type, a decompression bomb in a Connect stream, and option misuse.
import { expect } from "chai";
import { gzipSync } from "node:zlib";
import { SimpleResponse, StreamingOutputCallResponse } from "../../src/interop/gen/grpc/testing/messages_pb.js";
import { TestService } from "../../src/interop/gen/grpc/testing/test_pb.js";
import { Code, defineService } from "../../src/index.js";
import { encodeBase64Body } from "../../src/web-client/base64-body.js";
import { encodeEnvelope } from "../../src/web-client/envelope.js";
import { createWebClient, type FetchFunction, type WebClientOptions, type WebProtocol } from "../../src/web-client/index.js";
import { jsonFormat } from "../../src/web-client/json.js";
import { collect, concat } from "../pipeline/helpers.js";
import { cuts, failure, fakeFetch, response } from "./helpers.js";

const encoder = new TextEncoder();
const gzip = (bytes: Uint8Array): Uint8Array => new Uint8Array(gzipSync(bytes));

/** A fetch answering every call with a response of `status`, `headers` and a body in `chunks`; it records the requests. */
function answering(status: number, headers: Record<string, string>, chunks: Uint8Array[] = []) {
  return fakeFetch(() => response(status, headers, chunks));
}

function client(fetch: FetchFunction, protocol: WebProtocol, options: Partial<WebClientOptions> = {}) {
  return createWebClient(TestService, { baseUrl: "https://api.example", protocol, fetch, ...options });
}

const reply = SimpleResponse.encode({ username: "ada" });

describe("web client: compressed responses", () => {
  it("gRPC-Web: a gzip message and gzip trailers (0x81), from a body cut anywhere", async () => {
    const body = concat(encodeEnvelope(1, gzip(reply)), encodeEnvelope(0x81, gzip(encoder.encode("grpc-status: 0\r\nx-trailer: t\r\n"))));
    for (const chunks of cuts(body, 7)) {
      const { fetch } = answering(200, { "content-type": "application/grpc-web+proto", "grpc-encoding": "gzip" }, chunks);
      let trailer: unknown;
      const result = await client(fetch, "grpc-web").unaryCall({}, { onTrailers: (trailers) => (trailer = trailers.get("x-trailer")) });
      expect(result.username).to.equal("ada");
      expect(trailer).to.equal("t");
    }
  });

  it("gRPC-Web text: compressed messages inside base64", async () => {
    const body = encoder.encode(
      encodeBase64Body(concat(encodeEnvelope(1, gzip(reply)), encodeEnvelope(0x80, encoder.encode("grpc-status: 0\r\n")))),
    );
    const { fetch } = answering(200, { "content-type": "application/grpc-web-text+proto", "grpc-encoding": "gzip" }, [body]);
    expect((await client(fetch, "grpc-web-text").unaryCall({})).username).to.equal("ada");
  });

  it("Connect streaming: compressed messages and a compressed end-stream message (0x03)", async () => {
    const message = (size: number) => StreamingOutputCallResponse.encode({ payload: { body: new Uint8Array(size) } });
    const body = concat(
      encodeEnvelope(1, gzip(message(3))),
      encodeEnvelope(0, message(4)),
      encodeEnvelope(3, gzip(encoder.encode('{"metadata":{"x-trailer":["t"]}}'))),
    );
    for (const chunks of cuts(body, 7)) {
      const { fetch } = answering(200, { "content-type": "application/connect+proto", "connect-content-encoding": "gzip" }, chunks);
      const items = await collect(client(fetch, "connect").streamingOutputCall({}));
      expect(items.map((item) => item.payload?.body.length)).to.deep.equal([3, 4]);
    }
  });

  it("Connect streaming: a decompression bomb is RESOURCE_EXHAUSTED at the limit", async () => {
    const bomb = gzip(new Uint8Array(16 * 1024 * 1024));
    const { fetch } = answering(200, { "content-type": "application/connect+proto", "connect-content-encoding": "gzip" }, [
      encodeEnvelope(1, bomb),
    ]);
    const error = await failure(collect(client(fetch, "connect", { maxReceiveMessageBytes: 65536 }).streamingOutputCall({})));
    expect(error.code).to.equal(Code.ResourceExhausted);
    expect(error.statusMessage).to.equal(
      "web client: response message of more than 65536 bytes after gzip decompression exceeds maxReceiveMessageBytes 65536",
    );
  });

  it("a compressed message without grpc-encoding is INTERNAL", async () => {
    const { fetch } = answering(200, { "content-type": "application/grpc-web+proto" }, [encodeEnvelope(1, gzip(reply))]);
    const error = await failure(client(fetch, "grpc-web").unaryCall({}));
    expect(error.code).to.equal(Code.Internal);
    expect(error.statusMessage).to.match(/flagged compressed, but the response has no grpc-encoding/);
  });

  it("a message compressed with what the client does not accept is INTERNAL", async () => {
    const { fetch } = answering(200, { "content-type": "application/connect+proto", "connect-content-encoding": "gzip" }, [
      encodeEnvelope(1, gzip(reply)),
    ]);
    const error = await failure(collect(client(fetch, "connect", { acceptCompression: ["deflate"] }).streamingOutputCall({})));
    expect(error.code).to.equal(Code.Internal);
    expect(error.statusMessage).to.match(/"gzip" \(connect-content-encoding\), which the client does not accept \(it accepts: deflate\)/);
  });

  it("unknown flags are still INTERNAL (0x40 on gRPC-Web, 0x04 on Connect)", async () => {
    const web = answering(200, { "content-type": "application/grpc-web+proto" }, [encodeEnvelope(0x40, reply)]);
    expect((await failure(client(web.fetch, "grpc-web").unaryCall({}))).statusMessage).to.match(/unknown flags 0x40/);
    const connect = answering(200, { "content-type": "application/connect+proto" }, [encodeEnvelope(0x04, reply)]);
    expect((await failure(collect(client(connect.fetch, "connect").streamingOutputCall({})))).statusMessage).to.match(/unknown flags 0x04/);
  });
});

describe("web client: compression request headers", () => {
  const ok = () =>
    answering(200, { "content-type": "application/grpc-web+proto" }, [
      concat(encodeEnvelope(0, reply), encodeEnvelope(0x80, encoder.encode("grpc-status: 0\r\n"))),
    ]);

  it("offers gzip and deflate by default, nothing with acceptCompression: []", async () => {
    const offered = ok();
    await client(offered.fetch, "grpc-web").unaryCall({});
    expect(offered.requests[0]!.headers.get("grpc-accept-encoding")).to.equal("gzip,deflate");
    expect(offered.requests[0]!.headers.has("grpc-encoding")).to.equal(false);
    const none = ok();
    await client(none.fetch, "grpc-web", { acceptCompression: [] }).unaryCall({});
    expect(none.requests[0]!.headers.has("grpc-accept-encoding")).to.equal(false);
  });

  it("Connect unary sends no accept-encoding of its own: fetch negotiates HTTP compression", async () => {
    const { fetch, requests } = answering(200, { "content-type": "application/proto" }, [reply]);
    await client(fetch, "connect", { sendCompression: "gzip" }).unaryCall({});
    expect(requests[0]!.headers.has("accept-encoding")).to.equal(false);
    expect(requests[0]!.headers.has("connect-accept-encoding")).to.equal(false);
    expect(requests[0]!.headers.get("content-encoding")).to.equal("gzip");
  });
});

describe("web client: the JSON format", () => {
  it("sends and reads JSON in each protocol's JSON content type", async () => {
    const json = encoder.encode('{"username":"ada","oauthScope":"s"}');
    const grpcWeb = answering(200, { "content-type": "application/grpc-web+json" }, [
      concat(encodeEnvelope(0, json), encodeEnvelope(0x80, encoder.encode("grpc-status: 0\r\n"))),
    ]);
    const result = await client(grpcWeb.fetch, "grpc-web", { format: jsonFormat() }).unaryCall({ responseSize: 3 });
    expect(result).to.deep.include({ username: "ada", oauthScope: "s" });
    expect(grpcWeb.requests[0]!.headers.get("content-type")).to.equal("application/grpc-web+json");
    expect(new TextDecoder().decode((grpcWeb.requests[0]!.body as Uint8Array).subarray(5))).to.equal('{"responseSize":3}');
    const connect = answering(200, { "content-type": "application/json; charset=utf-8" }, [json]);
    expect((await client(connect.fetch, "connect", { format: jsonFormat() }).unaryCall({})).username).to.equal("ada");
    expect(connect.requests[0]!.headers.get("content-type")).to.equal("application/json");
  });

  for (const [format, contentType, protocol] of [
    ["json", "application/grpc-web+proto", "grpc-web"],
    ["json", "application/grpc-web", "grpc-web"],
    ["proto", "application/grpc-web+json", "grpc-web"],
    ["json", "application/proto", "connect"],
    ["proto", "application/json", "connect"],
  ] as const)
    it(`a ${format} client receiving ${contentType} fails UNKNOWN`, async () => {
      const { fetch } = answering(200, { "content-type": contentType }, [reply]);
      const options = format === "json" ? { format: jsonFormat() } : {};
      const error = await failure(client(fetch, protocol, options).unaryCall({}));
      expect(error.code).to.equal(Code.Unknown);
      expect(error.statusMessage).to.match(/^web client: response content-type .* is not application\/.*\+?(json|proto)$/);
    });

  for (const [name, body] of [
    ["JSON of another type", '{"nope":1}'],
    ["not JSON", "{"],
    ["not UTF-8", "\xff"],
  ] as const)
    it(`a response that is ${name} is INTERNAL, naming the method and the type`, async () => {
      const bytes = name === "not UTF-8" ? new Uint8Array([0xff]) : encoder.encode(body);
      const { fetch } = answering(200, { "content-type": "application/json" }, [bytes]);
      const error = await failure(client(fetch, "connect", { format: jsonFormat() }).unaryCall({}));
      expect(error.code).to.equal(Code.Internal);
      expect(error.statusMessage).to.match(
        /^web client: the JSON response of \/grpc.testing.TestService\/UnaryCall is not a grpc.testing.SimpleResponse: /,
      );
    });

  it("ignoreUnknownFields skips fields a newer server added", async () => {
    const { fetch } = answering(200, { "content-type": "application/json" }, [encoder.encode('{"username":"ada","addedLater":1}')]);
    expect((await client(fetch, "connect", { format: jsonFormat({ ignoreUnknownFields: true }) }).unaryCall({})).username).to.equal("ada");
  });

  it("a schema without the method is INTERNAL when called", async () => {
    const { fetch } = answering(200, { "content-type": "application/json" }, [encoder.encode("{}")]);
    const renamed = { ...TestService, name: "grpc.testing.Elsewhere" };
    const error = await failure(createWebClient(renamed, { baseUrl: "/", protocol: "connect", fetch, format: jsonFormat() }).emptyCall({}));
    expect(error.code).to.equal(Code.Internal);
    expect(error.statusMessage).to.match(/has no method \/grpc.testing.TestService\/EmptyCall to map JSON with/);
  });

  it("a binary response that does not decode is INTERNAL", async () => {
    const { fetch } = answering(200, { "content-type": "application/proto" }, [new Uint8Array([0x0a, 0x05, 0x61])]);
    const error = await failure(client(fetch, "connect").unaryCall({}));
    expect(error.code).to.equal(Code.Internal);
    expect(error.statusMessage).to.match(/malformed protobuf/);
  });
});

describe("web client: codecs that throw", () => {
  const throwing = (what: string) => () => {
    throw new Error(`bad ${what}`);
  };
  const service = (side: "request" | "response") =>
    defineService("test.Raw", {
      get: {
        kind: "unary",
        requestCodec: { encode: side === "request" ? throwing("request") : () => new Uint8Array(0), decode: () => ({}) },
        responseCodec: { encode: () => new Uint8Array(0), decode: side === "response" ? throwing("response") : () => ({}) },
      },
    });
  for (const side of ["request", "response"] as const)
    it(`a ${side} codec's plain Error is INTERNAL, naming the method`, async () => {
      const { fetch } = answering(200, { "content-type": "application/proto" }, [reply]);
      const error = await failure(createWebClient(service(side), { baseUrl: "/", protocol: "connect", fetch }).get({}));
      expect(error.code).to.equal(Code.Internal);
      expect(error.statusMessage).to.equal(
        side === "request"
          ? "web client: the request of /test.Raw/Get does not encode: bad request"
          : "web client: a response of /test.Raw/Get does not decode: bad response",
      );
    });
});

describe("web client: JSON and compression options", () => {
  const fetch: FetchFunction = async () => new Response(null, { status: 503 });
  for (const [name, options, pattern] of [
    ["a format that is a name", { format: "json" }, /options.format must be a format such as jsonFormat\(\)/],
    ["an unknown sendCompression", { sendCompression: "br" }, /unknown sendCompression "br"/],
    ["an unknown accepted compression", { acceptCompression: ["gzip", "br"] }, /unknown compression "br" in acceptCompression/],
    ["acceptCompression that is not a list", { acceptCompression: "gzip" }, /acceptCompression must be an array/],
  ] as const)
    it(`${name} is a TypeError at once`, () => {
      expect(() => createWebClient(TestService, { baseUrl: "/", fetch, ...(options as object) })).to.throw(TypeError, pattern);
    });

  it("an unknown per-call sendCompression is a TypeError", async () => {
    try {
      await client(fetch, "grpc-web").unaryCall({}, { sendCompression: "br" as "gzip" });
      expect.fail("expected a TypeError");
    } catch (error) {
      expect(error).to.be.instanceOf(TypeError);
    }
  });

  it("sendCompression identity and duplicates in acceptCompression are fine", async () => {
    const { fetch: ok, requests } = answering(200, { "content-type": "application/proto" }, [reply]);
    await client(ok, "connect", { sendCompression: "identity", acceptCompression: ["gzip", "gzip"] }).unaryCall({});
    expect(requests[0]!.headers.has("content-encoding")).to.equal(false);
  });
});
