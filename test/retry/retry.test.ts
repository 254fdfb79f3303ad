import { expect } from "chai";
import { Channel, Code, GrpcError, type ChannelOptions, type ServiceConfigJson } from "../../src/index.js";
import { channelCore } from "../../src/client/channel.js";
import { collect } from "../pipeline/helpers.js";
import { methodConfig, requestsOf, retryConfig, scriptedProbe } from "./probe-fixture.js";
import type { Answer, SeenAttempt } from "./scripted-server.js";

const UNAVAILABLE = Code.Unavailable;

function hedgingConfig(policy: Record<string, unknown> = {}): ServiceConfigJson {
  return methodConfig({ hedgingPolicy: { maxAttempts: 3, hedgingDelay: "0.05s", nonFatalStatusCodes: ["UNAVAILABLE"], ...policy } });
}

const previous = (attempt: SeenAttempt | undefined) => attempt?.headers["grpc-previous-rpc-attempts"];

describe("retries (gRFC A6)", function () {
  this.timeout(20_000);
  const scripted = scriptedProbe();

  const setup = (script: (index: number, attempt: SeenAttempt) => Answer, serviceConfig: ServiceConfigJson, options: ChannelOptions = {}) =>
    scripted.start(script, (server) => new Channel(`127.0.0.1:${server.port}`, { serviceConfig, ...options }));

  it("retries a unary call on a retryable status and says how many attempts came before", async () => {
    const client = await setup((index) => (index < 2 ? { status: UNAVAILABLE, message: "busy" } : {}), retryConfig());
    expect(await client.echo({ n: 1 })).to.deep.equal({ n: 1 });
    expect(scripted.server!.attempts.map(previous)).to.deep.equal([undefined, "1", "2"]);
  });

  it("gives up after maxAttempts with the last attempt's status", async () => {
    const client = await setup((index) => ({ status: UNAVAILABLE, message: `attempt ${index}` }), retryConfig({ maxAttempts: 3 }));
    const error = await client.echo({}).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).to.be.instanceOf(GrpcError).with.property("code", UNAVAILABLE);
    expect((error as GrpcError).statusMessage).to.equal("attempt 2");
    expect(scripted.server!.attempts).to.have.length(3);
  });

  it("caps maxAttempts at 5", async () => {
    const client = await setup(
      () => ({ status: UNAVAILABLE }),
      retryConfig({ maxAttempts: 9, initialBackoff: "0.001s", maxBackoff: "0.002s" }),
    );
    await client.echo({}).catch(() => undefined);
    expect(scripted.server!.attempts).to.have.length(5);
  });

  it("does not retry a status that is not retryable", async () => {
    const client = await setup(() => ({ status: Code.InvalidArgument }), retryConfig());
    const error = await client.echo({}).catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", Code.InvalidArgument);
    expect(scripted.server!.attempts).to.have.length(1);
  });

  it("does not retry once response headers arrived (committed)", async () => {
    const client = await setup(() => ({ status: UNAVAILABLE, headersFirst: true }), retryConfig());
    const error = await client.echo({}).catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", UNAVAILABLE);
    expect(scripted.server!.attempts).to.have.length(1);
  });

  it("stops on pushback that is negative or unreadable", async () => {
    for (const pushback of ["-1", "abc", "01"]) {
      const client = await setup(() => ({ status: UNAVAILABLE, pushback }), retryConfig());
      await client.echo({}).catch(() => undefined);
      expect(scripted.server!.attempts, pushback).to.have.length(1);
      scripted.channel!.close();
      await scripted.server!.close();
    }
    scripted.server = scripted.channel = undefined;
  });

  it("waits the pushback delay before the retry", async () => {
    const times: number[] = [];
    const client = await setup((index) => {
      times.push(Date.now());
      return index === 0 ? { status: UNAVAILABLE, pushback: "200" } : {};
    }, retryConfig());
    await client.echo({});
    expect(times[1]! - times[0]!).to.be.at.least(190);
  });

  it("never retries past the deadline: DEADLINE_EXCEEDED, and later attempts carry the time left", async () => {
    const client = await setup(() => ({ status: UNAVAILABLE, delayMs: 60 }), retryConfig({ maxAttempts: 5, initialBackoff: "0.01s" }));
    const error = await client.echo({}, { timeoutMs: 150 }).catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", Code.DeadlineExceeded);
    expect(scripted.server!.attempts.length).to.be.within(1, 3);
    const timeouts = scripted.server!.attempts.map((attempt) => attempt.headers["grpc-timeout"]);
    expect(timeouts.every((value) => typeof value === "string")).to.equal(true);
  });

  it("throttles retries once the token bucket is at half (retryThrottling)", async () => {
    const client = await setup(
      () => ({ status: UNAVAILABLE }),
      retryConfig({ maxAttempts: 2, initialBackoff: "0.001s" }, { retryThrottling: { maxTokens: 4, tokenRatio: 0.5 } }),
    );
    // Call 1: two failures (4 -> 2 tokens, at half): call 2 is not retried (2 -> 1).
    await client.echo({}).catch(() => undefined);
    expect(scripted.server!.attempts).to.have.length(2);
    await client.echo({}).catch(() => undefined);
    expect(scripted.server!.attempts).to.have.length(3);
    expect(channelCore(scripted.channel!).calls.throttle!.tokens).to.equal(1);
  });

  it("replays a client-streaming call's messages on the retry; the iterable is read once", async () => {
    const pulls = { count: 0 };
    const client = await setup(
      (index, attempt) => (index === 0 ? { status: UNAVAILABLE } : { responses: [{ got: attempt.messages }] }),
      retryConfig(),
    );
    const response = await client.collect(requestsOf([{ a: 1 }, { a: 2 }, { a: 3 }], pulls));
    expect(response).to.deep.equal({ got: [{ a: 1 }, { a: 2 }, { a: 3 }] });
    expect(pulls.count).to.equal(3);
    expect(scripted.server!.attempts[0]!.messages).to.have.length(3);
  });

  it("retries a bidi call within the buffer, then reads the committed attempt's responses", async () => {
    const client = await setup((index) => (index === 0 ? { status: UNAVAILABLE } : {}), retryConfig());
    const responses = await collect(client.chat(requestsOf([{ i: 1 }, { i: 2 }])));
    expect(responses).to.deep.equal([{ i: 1 }, { i: 2 }]);
    expect(scripted.server!.attempts.map(previous)).to.deep.equal([undefined, "1"]);
  });

  it("retries a server-streaming call", async () => {
    const client = await setup((index) => (index === 0 ? { status: UNAVAILABLE } : { responses: [1, 2, 3] }), retryConfig());
    expect(await collect(client.list({}))).to.deep.equal([1, 2, 3]);
  });

  it("commits a call whose messages overflow its retry buffer: no retry after that", async () => {
    const big = "x".repeat(600);
    const client = await setup(() => ({ status: UNAVAILABLE }), retryConfig(), { perCallRetryBufferBytes: 1000 });
    const error = await client.collect(requestsOf([{ big }, { big }])).catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", UNAVAILABLE);
    expect(scripted.server!.attempts).to.have.length(1);
    expect(channelCore(scripted.channel!).calls.bufferPool.used).to.equal(0);
  });

  it("sends a unary request bigger than the per-call buffer once, without retries", async () => {
    const client = await setup(() => ({ status: UNAVAILABLE }), retryConfig(), { perCallRetryBufferBytes: 100 });
    await client.echo({ big: "x".repeat(200) }).catch(() => undefined);
    expect(scripted.server!.attempts).to.have.length(1);
  });

  it("does not retry when the channel disables retries", async () => {
    const client = await setup(() => ({ status: UNAVAILABLE }), retryConfig(), { retries: false });
    await client.echo({}).catch(() => undefined);
    expect(scripted.server!.attempts).to.have.length(1);
  });

  it("cancels the call between attempts when its signal aborts", async () => {
    const client = await setup(() => ({ status: UNAVAILABLE }), retryConfig({ initialBackoff: "5s", maxBackoff: "5s" }));
    const controller = new AbortController();
    const call = client.echo({}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await call.catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", Code.Cancelled);
    expect(scripted.server!.attempts.length).to.be.at.most(2);
  });

  it("releases every reserved buffer byte when calls end", async () => {
    const client = await setup((index) => (index % 2 === 0 ? { status: UNAVAILABLE } : { responses: [{ ok: true }] }), retryConfig());
    await Promise.all([client.echo({ a: 1 }), client.collect(requestsOf([{ a: 1 }, { a: 2 }]))]);
    expect(channelCore(scripted.channel!).calls.bufferPool.used).to.equal(0);
  });
});

describe("hedging (gRFC A6)", function () {
  this.timeout(20_000);
  const scripted = scriptedProbe();
  const setup = (script: (index: number, attempt: SeenAttempt) => Answer, serviceConfig: ServiceConfigJson) =>
    scripted.start(script, (server) => new Channel(`127.0.0.1:${server.port}`, { serviceConfig }));

  it("starts a hedge after hedgingDelay; the first answer wins and the other attempt is cancelled", async () => {
    const client = await setup(
      (index) => (index === 0 ? { delayMs: 1000, responses: ["slow"] } : { responses: ["fast"] }),
      hedgingConfig({ maxAttempts: 2 }),
    );
    expect(await client.echo({})).to.equal("fast");
    expect(scripted.server!.attempts.map(previous)).to.deep.equal([undefined, "1"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(scripted.server!.attempts[0]!.reset).to.equal(true);
  });

  it("a non-fatal status starts the next hedge at once", async () => {
    const started = Date.now();
    const client = await setup((index) => (index === 0 ? { status: UNAVAILABLE } : {}), hedgingConfig({ hedgingDelay: "5s" }));
    expect(await client.echo({ a: 1 })).to.deep.equal({ a: 1 });
    expect(Date.now() - started).to.be.below(4000);
  });

  it("a fatal status ends the call and cancels the other hedges", async () => {
    const client = await setup(
      (index) => (index === 0 ? { status: Code.PermissionDenied, delayMs: 100 } : { delayMs: 2000 }),
      hedgingConfig({ hedgingDelay: "0s" }),
    );
    const error = await client.echo({}).catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", Code.PermissionDenied);
  });

  it("fails with the last status when every hedge failed non-fatally", async () => {
    const client = await setup((index) => ({ status: UNAVAILABLE, message: `hedge ${index}` }), hedgingConfig({ hedgingDelay: "0.01s" }));
    const error = await client.echo({}).catch((failure: GrpcError) => failure);
    expect(error).to.have.property("code", UNAVAILABLE);
    expect(scripted.server!.attempts).to.have.length(3);
  });

  it("pushback 'stop' ends the hedging: no further hedges", async () => {
    const client = await setup(() => ({ status: UNAVAILABLE, pushback: "-1" }), hedgingConfig({ hedgingDelay: "0.2s" }));
    await client.echo({}).catch(() => undefined);
    expect(scripted.server!.attempts).to.have.length(1);
  });

  it("hedges a bidi call: responses come from the attempt that answered first", async () => {
    const client = await setup((index) => (index === 0 ? { delayMs: 1000 } : {}), hedgingConfig({ maxAttempts: 2, hedgingDelay: "0.02s" }));
    expect(await collect(client.chat(requestsOf([1, 2, 3])))).to.deep.equal([1, 2, 3]);
  });
});
