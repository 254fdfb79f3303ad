import { expect } from "chai";
import { rawCodec } from "../../src/codec/index.js";
import { Router } from "../../src/server/router.js";
import { defineService } from "../../src/service/index.js";

const Greeter = defineService("pkg.Greeter", {
  sayHello: { kind: "unary", requestCodec: rawCodec, responseCodec: rawCodec },
  sayBye: { kind: "server_streaming", requestCodec: rawCodec, responseCodec: rawCodec },
});
const handler = async () => new Uint8Array();

describe("server/Router", () => {
  it("routes by :path, with localName or proto name keys", () => {
    const router = new Router();
    router.add(Greeter, { sayHello: handler, SayBye: handler });
    expect(router.get("/pkg.Greeter/SayHello")?.method.localName).to.equal("sayHello");
    expect(router.get("/pkg.Greeter/SayBye")?.handler).to.equal(handler);
    expect(router.get("/pkg.Greeter/sayHello")).to.equal(undefined);
  });

  for (const [path, message] of [
    ["/pkg.Greeter/SayBye", "server: method SayBye of service pkg.Greeter is not implemented"],
    ["/pkg.Greeter/Nope", "server: unknown method Nope of service pkg.Greeter"],
    ["/pkg.Other/SayHello", "server: unknown service pkg.Other"],
    ["nonsense", 'server: malformed :path "nonsense"'],
    ["/", 'server: malformed :path "/"'],
  ] as const)
    it(`explains a missing route for ${path}`, () => {
      const router = new Router();
      router.add(Greeter, { sayHello: handler });
      expect(router.get(path)).to.equal(undefined);
      expect(router.describeMissing(path)).to.equal(message);
    });

  it("rejects an implementation key that names no method", () =>
    expect(() => new Router().add(Greeter, { sayHelo: handler })).to.throw(TypeError, /no method "sayHelo"/));

  it("rejects a handler that is not a function", () =>
    expect(() => new Router().add(Greeter, { sayHello: "nope" as never })).to.throw(TypeError, /must be a function/));

  it("rejects the same service twice", () => {
    const router = new Router();
    router.add(Greeter, {});
    expect(() => router.add(Greeter, {})).to.throw(TypeError, /already added/);
  });
});
