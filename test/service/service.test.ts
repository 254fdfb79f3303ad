import { expect } from "chai";
import { rawCodec } from "../../src/codec/index.js";
import { defineService, methodPath, type MethodKind } from "../../src/service/index.js";

describe("methodPath", () => {
  const cases: [string, string, string][] = [
    ["grpc.testing.TestService", "UnaryCall", "/grpc.testing.TestService/UnaryCall"],
    [".grpc.testing.TestService", "UnaryCall", "/grpc.testing.TestService/UnaryCall"],
    ["Greeter", "SayHello", "/Greeter/SayHello"],
  ];
  for (const [service, method, path] of cases) it(path, () => expect(methodPath(service, method)).to.equal(path));
});

describe("defineService", () => {
  const methods = {
    echo: { kind: "unary" as MethodKind, requestCodec: rawCodec, responseCodec: rawCodec },
    watch: { kind: "server_streaming" as MethodKind, requestCodec: rawCodec, responseCodec: rawCodec, name: "WatchAll" },
    upload: { kind: "client_streaming" as MethodKind, requestCodec: rawCodec, responseCodec: rawCodec },
    chat: { kind: "bidi_streaming" as MethodKind, requestCodec: rawCodec, responseCodec: rawCodec },
  };

  it("describes a hand-written service with any codec", () => {
    const service = defineService("demo.v1.Demo", methods);
    expect(service.name).to.equal("demo.v1.Demo");
    expect(service.methods["echo"]).to.deep.equal({
      name: "Echo",
      localName: "echo",
      path: "/demo.v1.Demo/Echo",
      kind: "unary",
      requestCodec: rawCodec,
      responseCodec: rawCodec,
    });
    expect(Object.values(service.methods).map((m) => [m.path, m.kind])).to.deep.equal([
      ["/demo.v1.Demo/Echo", "unary"],
      ["/demo.v1.Demo/WatchAll", "server_streaming"],
      ["/demo.v1.Demo/Upload", "client_streaming"],
      ["/demo.v1.Demo/Chat", "bidi_streaming"],
    ]);
  });

  it("drops a leading dot from the service name", () => expect(defineService(".a.B", {}).name).to.equal("a.B"));

  for (const name of ["", "a..b", "a/b", "1a", "a.", "a b"])
    it(`refuses service name ${JSON.stringify(name)}`, () => expect(() => defineService(name, {})).to.throw(TypeError));

  it("refuses a method name that is not an identifier", () =>
    expect(() => defineService("a.B", { x: { ...methods.echo, name: "Bad/Name" } })).to.throw(TypeError));

  it("refuses an unknown kind", () =>
    expect(() => defineService("a.B", { x: { ...methods.echo, kind: "streaming" as MethodKind } })).to.throw(TypeError));
});
