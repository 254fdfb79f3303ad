import { expect } from "chai";
import {
  Code,
  GrpcError,
  Metadata,
  createServerContext,
  defineService,
  rawCodec,
  type ServerContext,
  type ServerInterceptor,
} from "../../src/index.js";

const Greeter = defineService("test.Greeter", {
  sayHello: { kind: "unary", requestCodec: rawCodec, responseCodec: rawCodec },
});

/** A handler as a user would write it, unit-tested below without a server or a network. */
async function sayHello(request: { name: string }, ctx: ServerContext): Promise<{ message: string }> {
  const user = ctx.metadata.get("x-user");
  if (user === undefined) throw new GrpcError(Code.Unauthenticated, "who are you?");
  ctx.headers.set("x-greeter", "v1");
  ctx.sendHeaders();
  ctx.trailers.set("x-served-for", String(user));
  return { message: `Hello ${request.name}, from ${ctx.peer}` };
}

/** A handler that waits until its call is cancelled or expires. */
function waitForEnd(ctx: ServerContext): Promise<unknown> {
  return new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve(ctx.signal.reason), { once: true }));
}

describe("server/createServerContext: unit-testing a handler without a network", () => {
  it("runs a handler and shows what it set on headers and trailers", async () => {
    const ctx = createServerContext({ metadata: new Metadata().set("x-user", "ada"), peer: "10.0.0.1:5000" });
    expect(ctx.headersSent).to.equal(false);
    expect(await sayHello({ name: "Ada" }, ctx)).to.deep.equal({ message: "Hello Ada, from 10.0.0.1:5000" });
    expect(ctx.headers.get("x-greeter")).to.equal("v1");
    expect(ctx.headersSent).to.equal(true);
    expect(ctx.trailers.get("x-served-for")).to.equal("ada");
  });

  it("lets the handler's errors through as they are", async () => {
    const error = await sayHello({ name: "x" }, createServerContext()).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Unauthenticated);
  });

  it("has documented defaults", () => {
    const ctx = createServerContext();
    expect([ctx.method.kind, ctx.method.path, ctx.metadata.size, ctx.deadline, ctx.peer]).to.deep.equal([
      "unary",
      "/test.Service/Test",
      0,
      undefined,
      "127.0.0.1:0",
    ]);
    expect([ctx.compression, ctx.compressMessages, ctx.requestCompressed, ctx.signal.aborted]).to.deep.equal([
      undefined,
      true,
      false,
      false,
    ]);
    ctx.compression = "gzip";
    ctx.compressMessages = false;
    expect([ctx.compression, ctx.compressMessages]).to.deep.equal(["gzip", false]);
  });

  it("takes the method, the deadline and whether the request was compressed", () => {
    const deadline = Date.now() + 60_000;
    const ctx = createServerContext({ method: Greeter.methods.sayHello, deadline, requestCompressed: true });
    expect([ctx.method.name, ctx.deadline, ctx.requestCompressed]).to.deep.equal(["SayHello", deadline, true]);
    expect(() => createServerContext({ deadline: Number.NaN })).to.throw(RangeError);
  });

  it("plays a client that cancels through the signal it is given", async () => {
    const client = new AbortController();
    const ctx = createServerContext({ signal: client.signal });
    const ended = waitForEnd(ctx);
    client.abort(new GrpcError(Code.Cancelled, "the client went away"));
    expect(await ended)
      .to.be.instanceOf(GrpcError)
      .with.property("code", Code.Cancelled);
  });

  it("aborts its own signal with DEADLINE_EXCEEDED at the deadline", async () => {
    const ctx = createServerContext({ deadline: Date.now() + 20 });
    expect(await waitForEnd(ctx))
      .to.be.instanceOf(GrpcError)
      .with.property("code", Code.DeadlineExceeded);
    expect(createServerContext({ deadline: Date.now() - 1 }).signal.aborted).to.equal(true);
  });

  it("unit-tests an interceptor too", async () => {
    const stamp: ServerInterceptor = async (ctx, next) => {
      await next();
      ctx.trailers.set("x-method", ctx.method.name);
    };
    const ctx = createServerContext({ method: Greeter.methods.sayHello });
    await stamp(ctx, async () => undefined);
    expect(ctx.trailers.get("x-method")).to.equal("SayHello");
  });
});
