import { expect } from "chai";
import { Code, GrpcError } from "../../src/index.js";
import { Base64BodyDecoder, decodeBase64Url, encodeBase64Body } from "../../src/web/base64-body.js";
import { connectCodeName } from "../../src/status/index.js";
import { httpStatusFromCode } from "../../src/web/connect-error.js";
import { parseQuery } from "../../src/web/web-gateway.js";
import { webProtocolFromContentType } from "../../src/web/web-protocol.js";

const bytes = Uint8Array.from({ length: 40 }, (_, i) => (i * 37) & 0xff);

describe("web: Base64BodyDecoder", () => {
  const text = Buffer.from(bytes).toString("base64");
  for (const size of [1, 2, 3, 4, 5, 7, text.length])
    it(`decodes base64 split into ${size}-character chunks`, () => {
      const decoder = new Base64BodyDecoder();
      const out: number[] = [];
      for (let at = 0; at < text.length; at += size) out.push(...decoder.push(Buffer.from(text.slice(at, at + size))));
      out.push(...decoder.end());
      expect(out).to.deep.equal([...bytes]);
    });

  it("decodes padded pieces one after another (each message encoded on its own)", () => {
    const pieces = [bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3, 9)].map((piece) => Buffer.from(piece).toString("base64"));
    const decoder = new Base64BodyDecoder();
    const out = [...decoder.push(Buffer.from(pieces.join(""))), ...decoder.end()];
    expect(out).to.deep.equal([...bytes.subarray(0, 9)]);
  });

  for (const bad of ["AA*A", "A=AA", "AAAAA", "====", "AA=A"])
    it(`rejects ${JSON.stringify(bad)} as INTERNAL`, () => {
      const decoder = new Base64BodyDecoder();
      expect(() => {
        decoder.push(Buffer.from(bad));
        decoder.end();
      })
        .to.throw(GrpcError)
        .with.property("code", Code.Internal);
    });

  it("encodes each response chunk padded, so each decodes on its own", () => {
    expect(Buffer.from(encodeBase64Body(Uint8Array.of(1))).toString()).to.equal("AQ==");
    expect(Buffer.from(encodeBase64Body(Uint8Array.of(1, 2, 3))).toString()).to.equal("AQID");
  });

  it("decodes base64url, padded or not", () => {
    expect([...decodeBase64Url("-_8")]).to.deep.equal([0xfb, 0xff]);
    expect([...decodeBase64Url("-_8=")]).to.deep.equal([0xfb, 0xff]);
    expect(() => decodeBase64Url("*")).to.throw(GrpcError);
  });
});

describe("web: content types", () => {
  for (const [type, wire, codec] of [
    ["application/grpc-web", "grpc-web", "proto"],
    ["application/grpc-web+proto", "grpc-web", "proto"],
    ["Application/GRPC-Web+JSON", "grpc-web", "json"],
    ["application/grpc-web-text", "grpc-web-text", "proto"],
    ["application/grpc-web-text+proto", "grpc-web-text", "proto"],
    ["application/proto", "connect-unary", "proto"],
    ["application/json; charset=utf-8", "connect-unary", "json"],
    ["application/connect+proto", "connect-stream", "proto"],
    ["application/connect+json", "connect-stream", "json"],
  ] as const)
    it(`reads ${type}`, () => expect(webProtocolFromContentType(type)).to.include({ wire, codec }));
  for (const type of [undefined, "", "application/grpc", "application/grpc-webx", "text/plain", "application/connect+xml"])
    it(`knows no ${JSON.stringify(type)}`, () => expect(webProtocolFromContentType(type)).to.equal(undefined));
});

describe("web: Connect codes", () => {
  for (const [code, name, status] of [
    [Code.Cancelled, "canceled", 499],
    [Code.Unknown, "unknown", 500],
    [Code.InvalidArgument, "invalid_argument", 400],
    [Code.DeadlineExceeded, "deadline_exceeded", 504],
    [Code.NotFound, "not_found", 404],
    [Code.AlreadyExists, "already_exists", 409],
    [Code.PermissionDenied, "permission_denied", 403],
    [Code.ResourceExhausted, "resource_exhausted", 429],
    [Code.FailedPrecondition, "failed_precondition", 400],
    [Code.Aborted, "aborted", 409],
    [Code.OutOfRange, "out_of_range", 400],
    [Code.Unimplemented, "unimplemented", 501],
    [Code.Internal, "internal", 500],
    [Code.Unavailable, "unavailable", 503],
    [Code.DataLoss, "data_loss", 500],
    [Code.Unauthenticated, "unauthenticated", 401],
  ] as const)
    it(`${name} is HTTP ${status}`, () => {
      expect(connectCodeName(code)).to.equal(name);
      expect(httpStatusFromCode(code)).to.equal(status);
    });
});

describe("web: parseQuery", () => {
  it("percent-decodes byte by byte", () => {
    const query = parseQuery("message=%00%FF%41&encoding=proto&empty&plus=a+b");
    expect([...query.get("message")!]).to.deep.equal([0, 255, 65]);
    expect(Buffer.from(query.get("encoding")!).toString()).to.equal("proto");
    expect(query.get("empty")!.length).to.equal(0);
    expect(Buffer.from(query.get("plus")!).toString()).to.equal("a b");
  });
});
