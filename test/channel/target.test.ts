import { expect } from "chai";
import { formatAddress, parseTarget } from "../../src/channel/target.js";

describe("channel/target: parseTarget", () => {
  const valid: [string, object][] = [
    ["localhost:50051", { scheme: "dns", host: "localhost", port: 50051, authority: "localhost:50051", secure: false }],
    ["example.com", { scheme: "dns", host: "example.com", port: 80, authority: "example.com:80" }],
    ["dns:example.com:443", { scheme: "dns", host: "example.com", port: 443 }],
    ["dns:///example.com:8080", { scheme: "dns", host: "example.com", port: 8080 }],
    ["dns://8.8.8.8/example.com:8080", { scheme: "dns", host: "example.com", port: 8080 }],
    ["http://127.0.0.1:9000", { scheme: "dns", host: "127.0.0.1", port: 9000, secure: false }],
    ["https://api.example.com", { scheme: "dns", host: "api.example.com", port: 443, secure: true }],
    ["https://api.example.com:8443/", { scheme: "dns", host: "api.example.com", port: 8443, secure: true }],
    ["[::1]:50051", { scheme: "dns", host: "::1", port: 50051, authority: "[::1]:50051" }],
    ["::1", { scheme: "dns", host: "::1", port: 80 }],
    ["unix:/tmp/grpc.sock", { scheme: "unix", addresses: [{ path: "/tmp/grpc.sock" }], authority: "localhost" }],
    ["unix:///tmp/grpc.sock", { scheme: "unix", addresses: [{ path: "/tmp/grpc.sock" }] }],
    ["unix:relative.sock", { scheme: "unix", addresses: [{ path: "relative.sock" }] }],
  ];
  for (const [target, expected] of valid) it(`parses ${target}`, () => expect(parseTarget(target)).to.deep.include(expected));

  it("parses ipv4 lists", () => {
    const target = parseTarget("ipv4:127.0.0.1:1000,10.0.0.2:2000");
    expect(target.scheme).to.equal("ipv4");
    expect(target.addresses).to.deep.equal([
      { host: "127.0.0.1", port: 1000 },
      { host: "10.0.0.2", port: 2000 },
    ]);
    expect(target.authority).to.equal("127.0.0.1:1000");
  });

  it("parses ipv6 lists", () => {
    const target = parseTarget("ipv6:[::1]:1000,[fe80::1]:2000");
    expect(target.addresses).to.deep.equal([
      { host: "::1", port: 1000 },
      { host: "fe80::1", port: 2000 },
    ]);
    expect(target.authority).to.equal("[::1]:1000");
  });

  it("uses 443 by default for TLS channels", () => expect(parseTarget("example.com", 443).port).to.equal(443));

  for (const target of [
    "",
    "unix:",
    "unix://",
    "host:port",
    "host:70000",
    "host:-1",
    "[::1",
    "[::1]x",
    "ipv4:::1:80",
    "ipv6:127.0.0.1:80",
    "ipv4:example.com:80",
    ":80",
  ])
    it(`rejects ${JSON.stringify(target)}`, () => expect(() => parseTarget(target)).to.throw(TypeError));

  it("rejects a non-string", () => expect(() => parseTarget(42 as unknown as string)).to.throw(TypeError));

  it("formats addresses", () => {
    expect(formatAddress({ host: "::1", port: 1 })).to.equal("[::1]:1");
    expect(formatAddress({ host: "a", port: 2 })).to.equal("a:2");
    expect(formatAddress({ path: "/s" })).to.equal("unix:/s");
  });
});
