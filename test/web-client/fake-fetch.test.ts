// The browser client's protocol handling, against a fake fetch: gRPC-Web (binary and text) and
// Connect responses cut anywhere, trailers frames, trailers-only responses, Connect's error JSON
// and end-stream message, and everything a broken or hostile server may answer.
import { expect } from "chai";
import { SimpleResponse, StreamingOutputCallResponse } from "../../src/interop/gen/grpc/testing/messages_pb.js";
import { TestService } from "../../src/interop/gen/grpc/testing/test_pb.js";
import { Code, GrpcError, Metadata, encodeStatusDetails } from "../../src/index.js";
import { encodeBase64Body } from "../../src/web-client/base64-body.js";
import { encodeEnvelope } from "../../src/web-client/envelope.js";
import { createWebClient, type FetchFunction, type WebClientOptions, type WebProtocol } from "../../src/web-client/index.js";
import { collect, concat } from "../pipeline/helpers.js";
import { cuts, failure, fakeFetch, response } from "./helpers.js";

const encoder = new TextEncoder();

function client(fetch: FetchFunction, protocol: WebProtocol = "grpc-web", options: Partial<WebClientOptions> = {}) {
  return createWebClient(TestService, { baseUrl: "https://api.example/base/", protocol, fetch, ...options });
}

const GRPC_WEB = { "content-type": "application/grpc-web+proto" };
const reply = SimpleResponse.encode({ username: "ada" });
const trailers = (text: string) => encodeEnvelope(0x80, encoder.encode(text));

describe("web client: gRPC-Web requests", () => {
  it("POSTs one envelope to baseUrl + path with gRPC-Web's headers, the timeout and the metadata", async () => {
    const { fetch, requests } = fakeFetch(() => response(200, GRPC_WEB, [encodeEnvelope(0, reply), trailers("grpc-status: 0\r\n")]));
    const metadata = new Metadata().set("x-custom", "v").set("x-trace-bin", new Uint8Array([0xfb, 0xff]));
    await client(fetch, "grpc-web", { metadata: new Metadata().set("x-client", "c") }).unaryCall(
      { responseSize: 7 },
      { metadata, timeoutMs: 5_000 },
    );
    const [request] = requests;
    expect(request?.url).to.equal("https://api.example/base/grpc.testing.TestService/UnaryCall");
    expect(request?.init.method).to.equal("POST");
    const headers = request?.init.headers as Headers;
    expect(headers.get("content-type")).to.equal("application/grpc-web+proto");
    expect(headers.get("x-grpc-web")).to.equal("1");
    expect(headers.get("grpc-timeout")).to.match(/^\d{1,8}[mu]$/);
    expect(headers.get("x-custom")).to.equal("v");
    expect(headers.get("x-client")).to.equal("c");
    expect(headers.get("x-trace-bin")).to.equal("+/8");
    expect([...(request!.init.body as Uint8Array)]).to.deep.equal([...encodeEnvelope(0, new Uint8Array([16, 7]))]);
  });

  it("grpc-web-text: the request body is base64 text", async () => {
    const body = encoder.encode(encodeBase64Body(concat(encodeEnvelope(0, reply), trailers("grpc-status: 0\r\n"))));
    const { fetch, requests } = fakeFetch(() => response(200, { "content-type": "application/grpc-web-text+proto" }, [body]));
    await client(fetch, "grpc-web-text").unaryCall({ responseSize: 7 });
    const headers = requests[0]?.init.headers as Headers;
    expect(headers.get("content-type")).to.equal("application/grpc-web-text+proto");
    expect(requests[0]?.init.body).to.equal(encodeBase64Body(encodeEnvelope(0, new Uint8Array([16, 7]))));
  });
});

describe("web client: gRPC-Web responses", () => {
  const body = concat(encodeEnvelope(0, reply), trailers("Grpc-Status: 0\r\nGRPC-MESSAGE: \r\nx-trailer: t\r\nx-bin-bin: AQI\r\n"));

  it("unary: the message and the trailers, from a body cut anywhere", async () => {
    for (const chunks of cuts(body)) {
      let trailing: Metadata | undefined;
      let leading: Metadata | undefined;
      const { fetch } = fakeFetch(() => response(200, { ...GRPC_WEB, "x-header": "h" }, chunks));
      const result = await client(fetch).unaryCall({}, { onHeaders: (m) => (leading = m), onTrailers: (m) => (trailing = m) });
      expect(result.username).to.equal("ada");
      expect(leading?.get("x-header")).to.equal("h");
      expect(leading?.has("content-type")).to.equal(false);
      expect(trailing?.get("x-trailer")).to.equal("t");
      expect(trailing?.get("x-bin-bin")).to.deep.equal(new Uint8Array([1, 2]));
    }
  });

  it("grpc-web-text: the same response as base64, each part padded on its own, cut anywhere", async () => {
    const text = encoder.encode(encodeBase64Body(encodeEnvelope(0, reply)) + encodeBase64Body(trailers("grpc-status: 0\r\n")));
    for (const chunks of cuts(text)) {
      const { fetch } = fakeFetch(() => response(200, { "content-type": "application/grpc-web-text+proto" }, chunks));
      expect((await client(fetch, "grpc-web-text").unaryCall({})).username).to.equal("ada");
    }
  });

  it("server streaming: every message, then the trailers' status", async () => {
    const message = (size: number) => encodeEnvelope(0, StreamingOutputCallResponse.encode({ payload: { body: new Uint8Array(size) } }));
    const stream = concat(message(1), message(2), trailers("grpc-status: 8\r\ngrpc-message: too%20much\r\n"));
    for (const chunks of cuts(stream)) {
      const { fetch } = fakeFetch(() => response(200, GRPC_WEB, chunks));
      const seen: number[] = [];
      let caught: unknown;
      try {
        for await (const item of client(fetch).streamingOutputCall({})) seen.push(item.payload?.body.length ?? -1);
      } catch (error) {
        caught = error;
      }
      expect(seen).to.deep.equal([1, 2]);
      expect(caught).to.be.instanceOf(GrpcError).with.property("code", Code.ResourceExhausted);
      expect((caught as GrpcError).statusMessage).to.equal("too much");
    }
  });

  it("an error in the trailers, with grpc-status-details-bin", async () => {
    const details = encodeStatusDetails({
      code: 5,
      message: "gone",
      details: [{ typeUrl: "type.googleapis.com/x.Y", value: new Uint8Array([1]) }],
    });
    const detailsText = Buffer.from(details).toString("base64");
    const { fetch } = fakeFetch(() =>
      response(200, GRPC_WEB, [trailers(`grpc-status: 5\r\ngrpc-message: gone\r\ngrpc-status-details-bin: ${detailsText}\r\n`)]),
    );
    const error = await failure(client(fetch).unaryCall({}));
    expect(error.code).to.equal(Code.NotFound);
    expect(error.statusDetails?.details[0]?.typeUrl).to.equal("type.googleapis.com/x.Y");
  });

  it("trailers-only: the status in the headers", async () => {
    const { fetch } = fakeFetch(() => response(200, { ...GRPC_WEB, "grpc-status": "7", "grpc-message": "no%21", "x-why": "w" }));
    let trailing: Metadata | undefined;
    const error = await failure(client(fetch).unaryCall({}, { onTrailers: (m) => (trailing = m) }));
    expect(error.code).to.equal(Code.PermissionDenied);
    expect(error.statusMessage).to.equal("no!");
    expect(trailing?.get("x-why")).to.equal("w");
  });

  const broken: [string, () => Response, Code, RegExp][] = [
    ["a body without trailers", () => response(200, GRPC_WEB, [encodeEnvelope(0, reply)]), Code.Internal, /without trailers/],
    [
      "a message cut short",
      () => response(200, GRPC_WEB, [encodeEnvelope(0, reply).subarray(0, 6)]),
      Code.Internal,
      /ended inside a message/,
    ],
    [
      "data after the trailers",
      () => response(200, GRPC_WEB, [trailers("grpc-status: 0\r\n"), encodeEnvelope(0, reply)]),
      Code.Internal,
      /after its trailers/,
    ],
    [
      "trailers without grpc-status",
      () => response(200, GRPC_WEB, [encodeEnvelope(0, reply), trailers("x: y\r\n")]),
      Code.Unknown,
      /no grpc-status/,
    ],
    ["an invalid grpc-status", () => response(200, { ...GRPC_WEB, "grpc-status": "01" }), Code.Unknown, /invalid grpc-status "01"/],
    [
      "a compressed message",
      () => response(200, GRPC_WEB, [encodeEnvelope(1, reply), trailers("grpc-status: 0\r\n")]),
      Code.Internal,
      /compressed/,
    ],
    ["unknown flags", () => response(200, GRPC_WEB, [encodeEnvelope(0x40, reply)]), Code.Internal, /unknown flags 0x40/],
    ["HTTP 503 without grpc-status", () => response(503, { "content-type": "text/html" }), Code.Unavailable, /HTTP status 503/],
    ["HTTP 404 without grpc-status", () => response(404, {}), Code.Unimplemented, /HTTP status 404/],
    [
      "a content type that is not gRPC-Web",
      () => response(200, { "content-type": "text/html" }, [encoder.encode("<html>")]),
      Code.Unknown,
      /"text\/html"/,
    ],
    [
      "no response message",
      () => response(200, GRPC_WEB, [trailers("grpc-status: 0\r\n")]),
      Code.Unimplemented,
      /without a response message/,
    ],
    [
      "two response messages to a unary call",
      () => response(200, GRPC_WEB, [encodeEnvelope(0, reply), encodeEnvelope(0, reply), trailers("grpc-status: 0\r\n")]),
      Code.Unimplemented,
      /more than one response/,
    ],
    [
      "a message over the limit",
      () => response(200, GRPC_WEB, [encodeEnvelope(0, new Uint8Array(100))]),
      Code.ResourceExhausted,
      /exceeds maxReceiveMessageBytes 50/,
    ],
    [
      "a message that does not decode",
      () => response(200, GRPC_WEB, [encodeEnvelope(0, new Uint8Array([0xff])), trailers("grpc-status: 0\r\n")]),
      Code.Internal,
      /./,
    ],
  ];
  for (const [what, answer, code, message] of broken)
    it(`${what}: ${Code[code]}`, async () => {
      const { fetch } = fakeFetch(answer);
      const error = await failure(client(fetch, "grpc-web", { maxReceiveMessageBytes: 50 }).unaryCall({}));
      expect(error.code).to.equal(code);
      expect(error.message).to.match(message);
    });

  it("a bad base64 body on grpc-web-text: INTERNAL", async () => {
    const { fetch } = fakeFetch(() => response(200, { "content-type": "application/grpc-web-text+proto" }, [encoder.encode("AAAA*AAA")]));
    const error = await failure(client(fetch, "grpc-web-text").unaryCall({}));
    expect(error.code).to.equal(Code.Internal);
    expect(error.message).to.match(/not base64/);
  });
});

describe("web client: Connect", () => {
  const JSON_TYPE = { "content-type": "application/json" };

  it("unary: the bare message with Connect's headers; trailers from trailer- headers", async () => {
    const { fetch, requests } = fakeFetch(() =>
      response(200, { "content-type": "application/proto", "x-header": "h", "trailer-x-trailer": "t" }, [
        reply.subarray(0, 2),
        reply.subarray(2),
      ]),
    );
    let leading: Metadata | undefined;
    let trailing: Metadata | undefined;
    const result = await client(fetch, "connect").unaryCall(
      { responseSize: 7 },
      { timeoutMs: 4_000, onHeaders: (m) => (leading = m), onTrailers: (m) => (trailing = m) },
    );
    expect(result.username).to.equal("ada");
    const headers = requests[0]?.init.headers as Headers;
    expect(headers.get("content-type")).to.equal("application/proto");
    expect(headers.get("connect-protocol-version")).to.equal("1");
    expect(Number(headers.get("connect-timeout-ms"))).to.be.within(3_000, 4_000);
    expect([...(requests[0]!.init.body as Uint8Array)]).to.deep.equal([16, 7]);
    expect(leading?.get("x-header")).to.equal("h");
    expect(leading?.has("trailer-x-trailer")).to.equal(false);
    expect(trailing?.get("x-trailer")).to.equal("t");
  });

  it("unary: an error JSON with its code, message and details", async () => {
    const error = await failure(
      client(
        fakeFetch(() =>
          response(404, JSON_TYPE, [
            encoder.encode(JSON.stringify({ code: "not_found", message: "gone", details: [{ type: "x.Y", value: "AQI" }, { type: 1 }] })),
          ]),
        ).fetch,
        "connect",
      ).unaryCall({}),
    );
    expect(error.code).to.equal(Code.NotFound);
    expect(error.statusMessage).to.equal("gone");
    expect(error.statusDetails?.details).to.deep.equal([{ typeUrl: "type.googleapis.com/x.Y", value: new Uint8Array([1, 2]) }]);
  });

  const unaryErrors: [string, () => Response, Code][] = [
    [
      "an error JSON without a code takes the HTTP status's",
      () => response(503, JSON_TYPE, [encoder.encode('{"message":"x"}')]),
      Code.Unavailable,
    ],
    [
      "an unknown code name takes the HTTP status's",
      () => response(401, JSON_TYPE, [encoder.encode('{"code":"nope"}')]),
      Code.Unauthenticated,
    ],
    ["a body that is not JSON", () => response(502, JSON_TYPE, [encoder.encode("<html>")]), Code.Unavailable],
    ["a proxy's HTML page", () => response(429, { "content-type": "text/html" }, [encoder.encode("<html>")]), Code.Unavailable],
    ["canceled (one l)", () => response(499, JSON_TYPE, [encoder.encode('{"code":"canceled"}')]), Code.Cancelled],
    ["a 200 that is not application/proto", () => response(200, JSON_TYPE, [encoder.encode("{}")]), Code.Unknown],
    [
      "a body over the limit",
      () => response(200, { "content-type": "application/proto" }, [new Uint8Array(40), new Uint8Array(40)]),
      Code.ResourceExhausted,
    ],
  ];
  for (const [what, answer, code] of unaryErrors)
    it(`unary: ${what}: ${Code[code]}`, async () => {
      const error = await failure(client(fakeFetch(answer).fetch, "connect", { maxReceiveMessageBytes: 50 }).unaryCall({}));
      expect(error.code).to.equal(code);
    });

  const STREAM = { "content-type": "application/connect+proto" };
  const message = (size: number) => encodeEnvelope(0, StreamingOutputCallResponse.encode({ payload: { body: new Uint8Array(size) } }));
  const endStream = (json: unknown) => encodeEnvelope(2, encoder.encode(JSON.stringify(json)));

  it("server streaming: envelopes cut anywhere, then the end-stream message's metadata and error", async () => {
    const body = concat(
      message(1),
      message(3),
      endStream({ error: { code: "out_of_range", message: "enough" }, metadata: { "x-t": ["a", "b"], "x-b-bin": ["AQI"] } }),
    );
    for (const chunks of cuts(body)) {
      const { fetch, requests } = fakeFetch(() => response(200, STREAM, chunks));
      let trailing: Metadata | undefined;
      const seen: number[] = [];
      let caught: unknown;
      try {
        for await (const item of client(fetch, "connect").streamingOutputCall({}, { onTrailers: (m) => (trailing = m) }))
          seen.push(item.payload?.body.length ?? -1);
      } catch (error) {
        caught = error;
      }
      expect((requests[0]?.init.headers as Headers | undefined)?.get("content-type")).to.equal("application/connect+proto");
      expect(seen).to.deep.equal([1, 3]);
      expect(caught).to.be.instanceOf(GrpcError).with.property("code", Code.OutOfRange);
      expect(trailing?.getAll("x-t")).to.deep.equal(["a", "b"]);
      expect(trailing?.get("x-b-bin")).to.deep.equal(new Uint8Array([1, 2]));
    }
  });

  it("server streaming: an end-stream message without an error ends the stream", async () => {
    const { fetch } = fakeFetch(() => response(200, STREAM, [message(2), endStream({})]));
    expect(await collect(client(fetch, "connect").streamingOutputCall({}))).to.have.length(1);
  });

  const streamErrors: [string, () => Response, Code, RegExp][] = [
    ["no end-stream message", () => response(200, STREAM, [message(1)]), Code.Internal, /without an end-stream/],
    [
      "an end-stream message that is not JSON",
      () => response(200, STREAM, [encodeEnvelope(2, encoder.encode("{"))]),
      Code.Unknown,
      /not JSON/,
    ],
    ["an end-stream message that is an array", () => response(200, STREAM, [endStream([])]), Code.Unknown, /not a JSON object/],
    ["data after the end-stream message", () => response(200, STREAM, [endStream({}), message(1)]), Code.Internal, /after its end-stream/],
    [
      "a compressed message",
      () => response(200, STREAM, [encodeEnvelope(1, new Uint8Array(1)), endStream({})]),
      Code.Internal,
      /compressed/,
    ],
    [
      "an HTTP error with error JSON",
      () => response(400, JSON_TYPE, [encoder.encode('{"code":"invalid_argument","message":"bad"}')]),
      Code.InvalidArgument,
      /bad/,
    ],
    ["an unexpected content type", () => response(200, { "content-type": "application/proto" }), Code.Unknown, /connect\+proto/],
  ];
  for (const [what, answer, code, text] of streamErrors)
    it(`server streaming: ${what}: ${Code[code]}`, async () => {
      let caught: unknown;
      try {
        await collect(client(fakeFetch(answer).fetch, "connect").streamingOutputCall({}));
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(GrpcError).with.property("code", code);
      expect((caught as GrpcError).message).to.match(text);
    });
});

describe("web client: calls, options and failures", () => {
  it("an already aborted signal fails CANCELLED without a request", async () => {
    const { fetch, requests } = fakeFetch(() => response(200, GRPC_WEB));
    const controller = new AbortController();
    controller.abort();
    expect((await failure(client(fetch).unaryCall({}, { signal: controller.signal }))).code).to.equal(Code.Cancelled);
    expect(requests).to.have.length(0);
  });

  it("a GrpcError as the abort reason is the call's status", async () => {
    const controller = new AbortController();
    controller.abort(new GrpcError(Code.Aborted, "parent ended"));
    expect(
      (await failure(client(fakeFetch(() => response(200, GRPC_WEB)).fetch).unaryCall({}, { signal: controller.signal }))).code,
    ).to.equal(Code.Aborted);
  });

  it("a deadline already past fails DEADLINE_EXCEEDED without a request", async () => {
    const { fetch, requests } = fakeFetch(() => response(200, GRPC_WEB));
    const error = await failure(client(fetch).unaryCall({}, { deadline: new Date(Date.now() - 1) }));
    expect(error.code).to.equal(Code.DeadlineExceeded);
    expect(error.message).to.match(/^DEADLINE_EXCEEDED: deadline: /);
    expect(requests).to.have.length(0);
  });

  it("a fetch that rejects: UNAVAILABLE, the cause kept", async () => {
    const cause = new TypeError("Failed to fetch");
    const error = await failure(
      client(async () => {
        throw cause;
      }).unaryCall({}),
    );
    expect(error.code).to.equal(Code.Unavailable);
    expect(error.message).to.match(/fetch of \/grpc.testing.TestService\/UnaryCall failed: Failed to fetch/);
    expect(error.cause).to.equal(cause);
  });

  it("a body that fails mid-stream: UNAVAILABLE", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encodeEnvelope(0, reply).subarray(0, 3));
        controller.error(new TypeError("network error"));
      },
    });
    const error = await failure(client(async () => new Response(body, { status: 200, headers: GRPC_WEB })).unaryCall({}));
    expect(error.code).to.equal(Code.Unavailable);
  });

  it("the client's timeoutMs applies to every call", async () => {
    const { fetch, requests } = fakeFetch(() => response(200, GRPC_WEB, [encodeEnvelope(0, reply), trailers("grpc-status: 0\r\n")]));
    await client(fetch, "grpc-web", { timeoutMs: 2_000 }).unaryCall({});
    expect((requests[0]?.init.headers as Headers | undefined)?.get("grpc-timeout")).to.match(/^\d+[mu]$/);
  });

  it("misconfiguration is a TypeError or RangeError at once", () => {
    expect(() => createWebClient(TestService, {} as WebClientOptions)).to.throw(TypeError, /baseUrl/);
    expect(() => createWebClient(TestService, { baseUrl: "/", protocol: "grpc" as WebProtocol })).to.throw(
      TypeError,
      /unknown protocol "grpc"/,
    );
    expect(() => createWebClient(TestService, { baseUrl: "/", maxReceiveMessageBytes: -1 })).to.throw(RangeError);
    expect(() => createWebClient(TestService, { baseUrl: "/", timeoutMs: -1 })).to.throw(RangeError);
  });

  it("has no functions for client-streaming and bidi methods", () => {
    const web = createWebClient(TestService, { baseUrl: "/", fetch: async () => response(500, {}) }) as Record<string, unknown>;
    expect(Object.keys(web).sort()).to.deep.equal([
      "cacheableUnaryCall",
      "emptyCall",
      "streamingOutputCall",
      "unaryCall",
      "unimplementedCall",
    ]);
  });
});
