import { expect } from "chai";
import { Channel, createClient } from "../../src/client/index.js";
import { Server } from "../../src/server/index.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { Greeter, type GreeterClient } from "./scenarios.js";

// A failed call's error points at the caller: its stack holds the awaiting function's frame.
describe("errors that point at the caller", function () {
  this.timeout(20_000);
  let server: Server;
  let channel: Channel;
  let client: GreeterClient;

  before(async () => {
    server = new Server({ trace: false, logger: null });
    server.add(Greeter, {
      sayHello(request: { name: string }) {
        throw new GrpcError(Code.NotFound, `server: no ${request.name}`);
      },
      async *sayHellos() {},
      async collectHellos(requests: AsyncIterable<unknown>) {
        for await (const _ of requests) void _;
        throw new GrpcError(Code.FailedPrecondition, "server: not now");
      },
      async *chat() {},
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    channel = new Channel(`127.0.0.1:${port}`, { trace: false, logger: null });
    client = createClient(Greeter, channel);
  });

  after(async () => {
    channel.close();
    await server.forceShutdown();
  });

  async function callerOfUnary(): Promise<unknown> {
    return await client.sayHello({ name: "alice" }).catch((error: unknown) => error);
  }

  async function callerOfClientStreaming(): Promise<unknown> {
    try {
      await client.collectHellos([{ name: "a" }]);
      return undefined;
    } catch (error) {
      return error;
    }
  }

  it("a unary call's error names the function that awaited it, and keeps its status", async () => {
    const error = (await callerOfUnary()) as GrpcError;
    expect(error).to.be.instanceOf(GrpcError);
    expect(error.code).to.equal(Code.NotFound);
    expect(error.statusMessage).to.equal("server: no alice");
    expect(error.stack).to.match(/^GrpcError: NOT_FOUND: server: no alice\n/);
    expect(error.stack).to.contain("callerOfUnary");
    expect(error.stack).not.to.contain("atCallSite");
  });

  it("so does a client-streaming call's", async () => {
    const error = (await callerOfClientStreaming()) as GrpcError;
    expect(error.code).to.equal(Code.FailedPrecondition);
    expect(error.stack).to.contain("callerOfClientStreaming");
  });

  it("an abort reason the caller gave comes back as the very same object", async () => {
    const controller = new AbortController();
    const reason = new GrpcError(Code.Cancelled, "cancelled: by the test");
    controller.abort(reason);
    const error = await client.sayHello({ name: "x" }, { signal: controller.signal }).catch((failure: unknown) => failure);
    expect(error).to.equal(reason);
  });

  it("a connection failure keeps its cause", async () => {
    const probe = new Server({ trace: false });
    const { port } = await probe.listen({ host: "127.0.0.1", port: 0 });
    await probe.forceShutdown();
    const dead = new Channel(`127.0.0.1:${port}`, { trace: false, logger: null });
    try {
      const deadClient: GreeterClient = createClient(Greeter, dead);
      const error = (await deadClient.sayHello({ name: "x" }).catch((failure: unknown) => failure)) as GrpcError;
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.stack).to.contain("Context.<anonymous>");
    } finally {
      dead.close();
    }
  });
});
