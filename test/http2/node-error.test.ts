import { expect } from "chai";
import { grpcErrorFromGoaway, grpcErrorFromNode, grpcErrorFromRstCode } from "../../src/http2/index.js";
import { Code, GrpcError } from "../../src/status/index.js";

function nodeError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe("http2/grpcErrorFromNode", () => {
  it("passes a GrpcError through", () => {
    const error = new GrpcError(Code.Aborted, "x");
    expect(grpcErrorFromNode(error)).to.equal(error);
  });

  for (const [name, error, code, message] of [
    [
      "ECONNREFUSED",
      nodeError("connect ECONNREFUSED 127.0.0.1:9", { code: "ECONNREFUSED", syscall: "connect", address: "127.0.0.1", port: 9 }),
      Code.Unavailable,
      "connect: ECONNREFUSED 127.0.0.1:9",
    ],
    [
      "ENOENT on a unix socket",
      nodeError("connect ENOENT /tmp/x.sock", { code: "ENOENT", syscall: "connect", address: "/tmp/x.sock" }),
      Code.Unavailable,
      "connect: ENOENT /tmp/x.sock",
    ],
    [
      "ENOTFOUND",
      nodeError("getaddrinfo ENOTFOUND nope", { code: "ENOTFOUND", syscall: "getaddrinfo" }),
      Code.Unavailable,
      "getaddrinfo: ENOTFOUND",
    ],
    ["ECONNRESET without syscall", nodeError("read ECONNRESET", { code: "ECONNRESET" }), Code.Unavailable, "connect: ECONNRESET"],
    [
      "EADDRINUSE on listen",
      nodeError("listen EADDRINUSE", { code: "EADDRINUSE", syscall: "listen" }),
      Code.Unavailable,
      "transport: listen EADDRINUSE (EADDRINUSE)",
    ],
    [
      "a self-signed certificate",
      nodeError("self-signed certificate", { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }),
      Code.Unavailable,
      "tls: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)",
    ],
    [
      "a wrong host name",
      nodeError("Hostname/IP does not match certificate's altnames", { code: "ERR_TLS_CERT_ALTNAME_INVALID" }),
      Code.Unavailable,
      "tls: Hostname/IP does not match certificate's altnames (ERR_TLS_CERT_ALTNAME_INVALID)",
    ],
    [
      "an SSL alert",
      nodeError("140:error:SSL alert number 42", { code: "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE" }),
      Code.Unavailable,
      "tls: 140:error:SSL alert number 42 (ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE)",
    ],
    [
      "GOAWAY",
      nodeError("New streams cannot be created after receiving a GOAWAY", { code: "ERR_HTTP2_GOAWAY_SESSION" }),
      Code.Unavailable,
      "http2: connection is going away (GOAWAY received); the call was not started",
    ],
    [
      "a stream reset with CANCEL",
      nodeError("Stream closed with error code NGHTTP2_CANCEL", { code: "ERR_HTTP2_STREAM_ERROR" }),
      Code.Cancelled,
      "http2: stream reset by peer with RST_STREAM CANCEL (0x8): the peer cancelled the call",
    ],
    [
      "a stream reset with REFUSED_STREAM",
      nodeError("Stream closed with error code NGHTTP2_REFUSED_STREAM", { code: "ERR_HTTP2_STREAM_ERROR" }),
      Code.Unavailable,
      undefined,
    ],
    [
      "a stream error of unknown shape",
      nodeError("Stream closed with error code NGHTTP2_WHATEVER", { code: "ERR_HTTP2_STREAM_ERROR" }),
      Code.Unavailable,
      "http2: Stream closed with error code NGHTTP2_WHATEVER (ERR_HTTP2_STREAM_ERROR)",
    ],
    [
      "an invalid session",
      nodeError("The session has been destroyed", { code: "ERR_HTTP2_INVALID_SESSION" }),
      Code.Unavailable,
      "http2: The session has been destroyed (ERR_HTTP2_INVALID_SESSION)",
    ],
    [
      "a write after end",
      nodeError("write after end", { code: "ERR_STREAM_WRITE_AFTER_END" }),
      Code.Unavailable,
      "http2: write after end (ERR_STREAM_WRITE_AFTER_END)",
    ],
    [
      "an AbortError",
      nodeError("The operation was aborted", { name: "AbortError", code: "ABORT_ERR" }),
      Code.Cancelled,
      "http2: stream cancelled",
    ],
    ["a plain Error", new Error("boom"), Code.Unavailable, "transport: boom"],
  ] as const)
    it(`converts ${name}`, () => {
      const converted = grpcErrorFromNode(error);
      expect(converted.code).to.equal(code);
      if (message !== undefined) expect(converted.statusMessage).to.equal(message);
      expect(converted.cause).to.equal(error);
    });

  it("converts a thrown non-Error to UNKNOWN", () => {
    const converted = grpcErrorFromNode("weird");
    expect(converted.code).to.equal(Code.Unknown);
    expect(converted.statusMessage).to.equal("transport: weird");
  });
});

describe("http2/grpcErrorFromRstCode (checklist 19)", () => {
  for (const [rst, code] of [
    [0, Code.Internal],
    [1, Code.Internal],
    [2, Code.Internal],
    [3, Code.Internal],
    [7, Code.Unavailable],
    [8, Code.Cancelled],
    [11, Code.ResourceExhausted],
    [12, Code.PermissionDenied],
  ] as const)
    it(`maps RST_STREAM ${rst} to ${Code[code]}, naming the RST code`, () => {
      const error = grpcErrorFromRstCode(rst);
      expect(error.code).to.equal(code);
      expect(error.statusMessage).to.match(/^http2: stream reset by peer with RST_STREAM [A-Z_]+ \(0x[0-9a-f]+\)/);
    });
});

describe("http2/grpcErrorFromGoaway", () => {
  it("is UNAVAILABLE naming the code and the debug data", () => {
    const error = grpcErrorFromGoaway(11, new TextEncoder().encode("too_many_pings"));
    expect(error.code).to.equal(Code.Unavailable);
    expect(error.statusMessage).to.equal('http2: connection closed by peer with GOAWAY ENHANCE_YOUR_CALM (0xb) "too_many_pings"');
  });

  it("leaves out empty debug data", () =>
    expect(grpcErrorFromGoaway(0, new Uint8Array()).statusMessage).to.equal("http2: connection closed by peer with GOAWAY NO_ERROR (0x0)"));
});
