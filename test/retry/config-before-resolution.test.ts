// Calls started before the resolver's first result use the service config that result brings
// (gRFC A2: the channel has no config until the resolver answered, and calls wait for it as they
// wait for an address), not the default. The resolver here answers late, on purpose.
import { expect } from "chai";
import { Channel, Code, GrpcError, createClient, type ChannelOptions, type ServiceConfigJson } from "../../src/index.js";
import { channelCore } from "../../src/client/channel.js";
import { Probe, methodConfig, requestsOf, retryConfig, scriptedProbe } from "./probe-fixture.js";
import { type Answer, startScriptedServer } from "./scripted-server.js";

const RETRY_ON_UNAVAILABLE = retryConfig({ maxAttempts: 3 });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("service config before the first resolution (gRFC A2)", function () {
  this.timeout(20_000);
  const scripted = scriptedProbe();

  /** A channel whose resolver answers `delayMs` after it is asked, with the server's address and `config`. */
  /** A channel whose resolver answers `delayMs` after it is asked, with the server's address and `config`. */
  const setup = (script: (index: number) => Answer, config: ServiceConfigJson | Error, delayMs: number, options: ChannelOptions = {}) =>
    scripted.start(script, (server) => {
      const address = { host: "127.0.0.1", port: server.port };
      const resolver = async () => {
        await sleep(delayMs);
        if (config instanceof Error) throw config;
        return { addresses: [address], serviceConfig: config };
      };
      return new Channel("dns:late.test:1", { resolver, ...options });
    });

  it("a unary call started at once is retried by the retry policy the late result brings", async () => {
    const client = await setup((index) => (index === 0 ? { status: Code.Unavailable } : {}), RETRY_ON_UNAVAILABLE, 300);
    expect(await client.echo({ n: 1 })).to.deep.equal({ n: 1 });
    expect(scripted.server!.attempts).to.have.length(2);
  });

  it("without the wait (the resolver's config ignored) the same call fails: the test can tell", async () => {
    const client = await setup((index) => (index === 0 ? { status: Code.Unavailable } : {}), RETRY_ON_UNAVAILABLE, 300, {
      ignoreResolverServiceConfig: true,
    });
    const error = await client.echo({ n: 1 }).catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", Code.Unavailable);
    expect(scripted.server!.attempts).to.have.length(1);
  });

  it("the config's timeout counts from the call's start, the wait included", async () => {
    const client = await setup(() => ({}), methodConfig({ timeout: "0.2s" }), 400);
    const error = await client.echo({}).catch((failure: GrpcError) => failure);
    expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.DeadlineExceeded);
    expect(scripted.server!.attempts, "nothing sent after the deadline").to.have.length(0);
  });

  it("the call's own deadline ends the wait: DEADLINE_EXCEEDED, not the resolver's pace", async () => {
    const client = await setup(() => ({}), RETRY_ON_UNAVAILABLE, 3000);
    const started = Date.now();
    const error = await client.echo({}, { timeoutMs: 150 }).catch((failure: GrpcError) => failure);
    expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.DeadlineExceeded);
    expect(Date.now() - started).to.be.below(2500);
  });

  it("an aborted signal ends the wait: CANCELLED", async () => {
    const client = await setup(() => ({}), RETRY_ON_UNAVAILABLE, 3000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await client.echo({}, { signal: controller.signal }).catch((failure: GrpcError) => failure);
    expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Cancelled);
  });

  it("a bidi stream started at once gets the late config's message limit", async () => {
    const client = await setup(() => ({}), methodConfig({ maxResponseMessageBytes: 10 }), 300);
    const responses: unknown[] = [];
    const error = await (async () => {
      for await (const response of client.chat(requestsOf([{ pad: "x".repeat(100) }]))) responses.push(response);
    })().catch((failure: GrpcError) => failure);
    expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.ResourceExhausted);
    expect(responses).to.deep.equal([]);
  });

  it("a bidi stream closed by the caller while it waits opens nothing", async () => {
    const client = await setup(() => ({}), RETRY_ON_UNAVAILABLE, 300);
    const call = client.chat(requestsOf([{ n: 1 }]));
    await call[Symbol.asyncIterator]().return?.();
    await sleep(500);
    expect(scripted.server!.attempts).to.have.length(0);
  });

  it("a caller's mistake is still a TypeError thrown at the call, before any wait", async () => {
    const client = await setup(() => ({}), RETRY_ON_UNAVAILABLE, 300);
    expect(() => client.echo({}, { compression: "brotli" })).to.throw(TypeError, /brotli/);
  });

  it("a channel whose resolver cannot bring a config does not wait: the default applies at once", async () => {
    scripted.server = await startScriptedServer((index) => (index === 0 ? { status: Code.Unavailable } : {}));
    // No resolver option: the literal address (the channel still wraps the default resolver to log it).
    scripted.channel = new Channel(`127.0.0.1:${scripted.server.port}`, { serviceConfig: RETRY_ON_UNAVAILABLE });
    expect(channelCore(scripted.channel).balancer.configPending()).to.equal(undefined);
    expect(await createClient(Probe, scripted.channel).echo({ n: 2 })).to.deep.equal({ n: 2 });
  });

  it("a resolver that fails ends the wait: the call fails UNAVAILABLE naming the resolver", async () => {
    const client = await setup(() => ({}), new Error("no such host"), 100);
    const error = await client.echo({}).catch((failure: GrpcError) => failure);
    expect(error).to.be.instanceOf(GrpcError).with.property("code", Code.Unavailable);
    expect((error as GrpcError).message).to.include("no such host");
  });
});
