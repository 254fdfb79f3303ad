import { expect } from "chai";
import { USER_AGENT, requestHeadFromHeaders, requestHeadToHeaders } from "../../src/http2/index.js";
import { Metadata } from "../../src/metadata/index.js";
import { Code, GrpcError } from "../../src/status/index.js";

const head = {
  path: "/pkg.Service/Method",
  authority: "example.com:443",
  metadata: new Metadata().set("x-user", "ada"),
  timeoutMs: 1500,
  encoding: "gzip",
  acceptEncoding: "identity,gzip",
};

describe("http2/requestHeadToHeaders (checklist 1)", () => {
  it("builds every header a gRPC request needs", () => {
    expect(requestHeadToHeaders(head, { scheme: "https" })).to.deep.equal({
      ":method": "POST",
      ":scheme": "https",
      ":path": "/pkg.Service/Method",
      ":authority": "example.com:443",
      te: "trailers",
      "content-type": "application/grpc",
      "user-agent": USER_AGENT,
      "grpc-timeout": "1500000u",
      "grpc-encoding": "gzip",
      "grpc-accept-encoding": "identity,gzip",
      "x-user": "ada",
    });
  });

  it("leaves out what is not set, defaults to http, and never sends grpc-encoding identity", () => {
    const headers = requestHeadToHeaders({
      ...head,
      timeoutMs: undefined,
      encoding: "identity",
      acceptEncoding: undefined,
      metadata: new Metadata(),
    });
    expect(headers).to.not.have.any.keys("grpc-timeout", "grpc-encoding", "grpc-accept-encoding");
    expect(headers[":scheme"]).to.equal("http");
  });

  it("prepends a custom user-agent to tsgrpc's", () => {
    expect(requestHeadToHeaders(head, { userAgent: "my-app/2" })["user-agent"]).to.equal(`my-app/2 ${USER_AGENT}`);
    expect(USER_AGENT).to.match(/^grpc-node-tsgrpc\/\d+\.\d+\.\d+$/);
  });
});

describe("http2/requestHeadFromHeaders", () => {
  it("parses a request head, metadata on demand", () => {
    const parsed = requestHeadFromHeaders({
      ":path": "/pkg.Service/Method",
      ":authority": "h:1",
      "grpc-timeout": "2S",
      "grpc-encoding": "gzip",
      "grpc-accept-encoding": "gzip,deflate",
      "x-user": "ada",
    });
    expect(parsed).to.include({
      path: "/pkg.Service/Method",
      authority: "h:1",
      timeoutMs: 2000,
      encoding: "gzip",
      acceptEncoding: "gzip,deflate",
    });
    expect(parsed.metadata.get("x-user")).to.equal("ada");
    expect(parsed.metadata).to.equal(parsed.metadata);
  });

  it("has no timeout without grpc-timeout, and empty path and authority when they are missing", () => {
    const parsed = requestHeadFromHeaders({});
    expect(parsed).to.include({ path: "", authority: "", timeoutMs: undefined, encoding: undefined });
  });

  for (const timeout of ["", "1", "123456789S", "1x", "-1m"])
    it(`rejects grpc-timeout ${JSON.stringify(timeout)} with INTERNAL`, () =>
      expect(() => requestHeadFromHeaders({ "grpc-timeout": timeout }))
        .to.throw(GrpcError)
        .with.property("code", Code.Internal));

  it("round-trips with requestHeadToHeaders", () => {
    const parsed = requestHeadFromHeaders(requestHeadToHeaders(head) as Record<string, string>);
    expect(parsed).to.include({ path: head.path, authority: head.authority, timeoutMs: 1500, encoding: "gzip" });
    expect(parsed.metadata.get("x-user")).to.equal("ada");
    // user-agent is not reserved: a server sees it as metadata, as grpc-go and grpc-js do.
    expect(parsed.metadata.get("user-agent")).to.equal(USER_AGENT);
  });
});
