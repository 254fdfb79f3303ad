import { expect } from "chai";
import { CallConfig } from "../../src/client/call-config.js";
import { RetryBufferPool } from "../../src/client/retry-buffer-pool.js";
import { parseServiceConfig, type ServiceConfig } from "../../src/service-config/index.js";

describe("RetryBufferPool", () => {
  it("reserves within the per-call and the channel limit, and gives bytes back", () => {
    const pool = new RetryBufferPool(100, 60);
    expect(pool.reserve(50, 0)).to.equal(true);
    expect(pool.reserve(20, 50)).to.equal(false); // the call's share: 70 > 60
    expect(pool.reserve(40, 0)).to.equal(true);
    expect(pool.reserve(20, 0)).to.equal(false); // the channel's: 110 > 100
    expect(pool.used).to.equal(90);
    pool.release(90);
    expect(pool.used).to.equal(0);
  });
});

describe("CallConfig", () => {
  const source: { serviceConfig: ServiceConfig | undefined } = { serviceConfig: undefined };
  const calls = new CallConfig(source, true, new RetryBufferPool(1, 1));

  it("has nothing to say without a service config", () => {
    source.serviceConfig = undefined;
    expect(calls.methodConfig("/pkg.S/M")).to.equal(undefined);
    expect(calls.throttle).to.equal(undefined);
  });

  it("follows the config in force, and keeps the throttle's tokens when the throttling is the same", () => {
    const throttling = { maxTokens: 10, tokenRatio: 0.5 };
    source.serviceConfig = parseServiceConfig({
      methodConfig: [{ name: [{ service: "pkg.S" }], timeout: "1s" }],
      retryThrottling: throttling,
    });
    expect(calls.methodConfig("/pkg.S/M")?.timeoutMs).to.equal(1000);
    expect(calls.methodConfig("/other.T/M")).to.equal(undefined);
    const throttle = calls.throttle!;
    throttle.recordFailure();
    source.serviceConfig = parseServiceConfig({
      methodConfig: [{ name: [{ service: "pkg.S" }], timeout: "2s" }],
      retryThrottling: throttling,
    });
    expect(calls.methodConfig("/pkg.S/M")?.timeoutMs).to.equal(2000);
    expect(calls.throttle).to.equal(throttle);
    expect(calls.throttle!.tokens).to.equal(9);
    source.serviceConfig = parseServiceConfig({ retryThrottling: { maxTokens: 20, tokenRatio: 0.5 } });
    expect(calls.throttle!.tokens).to.equal(20);
    source.serviceConfig = parseServiceConfig({});
    expect(calls.throttle).to.equal(undefined);
  });
});
