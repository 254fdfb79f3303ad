import { expect } from "chai";
import { Code } from "../../src/status/index.js";
import {
  PUSHBACK_STOP,
  RetryThrottle,
  codeFromConfig,
  parseDuration,
  parsePushback,
  retryDelayMs,
  type RetryPolicy,
} from "../../src/service-config/index.js";

describe("parseDuration", () => {
  for (const [input, ms] of [
    ["1s", 1000],
    ["1.5s", 1500],
    [".1s", 100],
    ["0s", 0],
    ["0.000000001s", 0.000001],
    ["315576000000s", 315_576_000_000_000],
  ] as const)
    it(`parses ${input}`, () => expect(parseDuration(input)).to.be.closeTo(ms, 1e-9));
  for (const input of ["", "s", ".s", "1", "1 s", "-1s", "+1s", "1.s", "1.0000000001s", "1ms", "315576000001s", 1, null])
    it(`rejects ${JSON.stringify(input)}`, () => expect(parseDuration(input)).to.equal(undefined));
});

describe("codeFromConfig", () => {
  for (const [input, code] of [
    ["UNAVAILABLE", Code.Unavailable],
    ["unavailable", Code.Unavailable],
    ["DEADLINE_EXCEEDED", Code.DeadlineExceeded],
    [14, Code.Unavailable],
    [0, Code.Ok],
  ] as const)
    it(`reads ${JSON.stringify(input)}`, () => expect(codeFromConfig(input)).to.equal(code));
  for (const input of ["NOPE", "14", 17, -1, 1.5, null, {}])
    it(`rejects ${JSON.stringify(input)}`, () => expect(codeFromConfig(input)).to.equal(undefined));
});

describe("parsePushback", () => {
  for (const [input, ms] of [
    [undefined, undefined],
    ["0", 0],
    ["250", 250],
    ["2147483647", 2147483647],
    [["100", "200"], 100],
    ["-1", PUSHBACK_STOP],
    ["-100", PUSHBACK_STOP],
    ["01", PUSHBACK_STOP],
    ["abc", PUSHBACK_STOP],
    ["", PUSHBACK_STOP],
    [" 1", PUSHBACK_STOP],
    ["2147483648", PUSHBACK_STOP],
  ] as const)
    it(`reads ${JSON.stringify(input)}`, () => expect(parsePushback(input as string | string[] | undefined)).to.equal(ms));
});

describe("retryDelayMs", () => {
  const policy: RetryPolicy = {
    kind: "retry",
    maxAttempts: 5,
    initialBackoffMs: 100,
    maxBackoffMs: 500,
    backoffMultiplier: 2,
    retryableStatusCodes: [Code.Unavailable],
  };
  for (const [retry, bound] of [
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 500],
    [9, 500],
  ] as const)
    it(`bounds retry ${retry} by ${bound} ms (random(0, min(initial * multiplier^(n-1), max)))`, () => {
      expect(retryDelayMs(policy, retry, () => 1)).to.equal(bound);
      expect(retryDelayMs(policy, retry, () => 0)).to.equal(0);
      expect(retryDelayMs(policy, retry, () => 0.5)).to.equal(bound / 2);
    });
});

describe("RetryThrottle", () => {
  it("starts full, loses a token per failure and allows retries only above half", () => {
    const throttle = new RetryThrottle({ maxTokens: 4, tokenRatio: 0.5 });
    expect(throttle.tokens).to.equal(4);
    expect(throttle.allows()).to.equal(true);
    throttle.recordFailure();
    expect(throttle.allows()).to.equal(true);
    throttle.recordFailure();
    expect(throttle.tokens).to.equal(2);
    expect(throttle.allows()).to.equal(false);
    throttle.recordSuccess();
    expect(throttle.tokens).to.equal(2.5);
    expect(throttle.allows()).to.equal(true);
  });

  it("stays within [0, maxTokens] and adds exact thousandths", () => {
    const throttle = new RetryThrottle({ maxTokens: 3, tokenRatio: 0.1 });
    for (let i = 0; i < 10; i++) throttle.recordFailure();
    expect(throttle.tokens).to.equal(0);
    for (let i = 0; i < 10; i++) throttle.recordSuccess();
    expect(throttle.tokens).to.equal(1);
    for (let i = 0; i < 100; i++) throttle.recordSuccess();
    expect(throttle.tokens).to.equal(3);
  });
});
