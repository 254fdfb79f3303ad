import { expect } from "chai";
import { canonicalTarget } from "../../src/otel/index.js";
import { methodNames, peerAttributes, serverAttributes } from "../../src/otel/attributes.js";

describe("otel/attributes", () => {
  describe("canonicalTarget (gRFC A66 grpc.target)", () => {
    for (const [target, canonical] of [
      ["localhost:50051", "dns:///localhost:50051"],
      ["example.com", "dns:///example.com"],
      ["127.0.0.1:8080", "dns:///127.0.0.1:8080"],
      ["[::1]:8080", "dns:///[::1]:8080"],
      ["dns:///example.com:443", "dns:///example.com:443"],
      ["dns:example.com:443", "dns:example.com:443"],
      ["ipv4:10.0.0.1:80,10.0.0.2:80", "ipv4:10.0.0.1:80,10.0.0.2:80"],
      ["ipv6:[::1]:80", "ipv6:[::1]:80"],
      ["unix:/tmp/socket", "unix:/tmp/socket"],
      ["unix:///tmp/socket", "unix:///tmp/socket"],
      ["https://example.com", "https://example.com"],
    ] as const)
      it(`${target} -> ${canonical}`, () => expect(canonicalTarget(target)).to.equal(canonical));
  });

  describe("serverAttributes (server.address, server.port of a client span)", () => {
    for (const [target, attributes] of [
      ["localhost:50051", { "server.address": "localhost", "server.port": 50051 }],
      ["example.com", { "server.address": "example.com" }],
      ["[::1]:8080", { "server.address": "::1", "server.port": 8080 }],
      ["dns:///example.com:443", { "server.address": "example.com", "server.port": 443 }],
      ["dns://8.8.8.8/example.com:443", { "server.address": "example.com", "server.port": 443 }],
      ["dns:example.com:8443", { "server.address": "example.com", "server.port": 8443 }],
      ["ipv4:10.0.0.1:80,10.0.0.2:81", { "server.address": "10.0.0.1", "server.port": 80 }],
      ["ipv6:[2001:db8::1]:9000", { "server.address": "2001:db8::1", "server.port": 9000 }],
      ["https://example.com", { "server.address": "example.com", "server.port": 443 }],
      ["http://example.com:8080/", { "server.address": "example.com", "server.port": 8080 }],
      ["unix:/tmp/socket", { "server.address": "/tmp/socket", "network.transport": "unix" }],
      ["unix:///tmp/socket", { "server.address": "/tmp/socket", "network.transport": "unix" }],
      ["host:99999", { "server.address": "host" }],
      ["host:port", { "server.address": "host" }],
    ] as const)
      it(`${target}`, () => expect(serverAttributes(target)).to.deep.equal(attributes));
  });

  describe("peerAttributes (network.peer.* of a server span)", () => {
    for (const [peer, attributes] of [
      ["127.0.0.1:5000", { "network.peer.address": "127.0.0.1", "network.peer.port": 5000 }],
      ["[::1]:5000", { "network.peer.address": "::1", "network.peer.port": 5000 }],
      ["unix:", { "network.transport": "unix" }],
      ["::1", { "network.peer.address": "::1" }],
    ] as const)
      it(`${peer}`, () => expect(peerAttributes(peer)).to.deep.equal(attributes));
  });

  describe("methodNames", () => {
    it("splits a :path into the span name, rpc.service and rpc.method", () =>
      expect(methodNames("/pkg.sub.Service/Method")).to.deep.equal({
        full: "pkg.sub.Service/Method",
        service: "pkg.sub.Service",
        method: "Method",
      }));
    it("returns the same object for the same path", () => expect(methodNames("/a.B/C")).to.equal(methodNames("/a.B/C")));
  });
});
