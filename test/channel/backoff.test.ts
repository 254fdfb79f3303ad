import { expect } from "chai";
import { Backoff } from "../../src/channel/backoff.js";

describe("channel/backoff: checklist 25, connection backoff", () => {
  it("starts at 1 s, grows x1.6, caps at 120 s (no jitter at random = 0.5)", () => {
    const backoff = new Backoff({}, () => 0.5);
    const delays = Array.from({ length: 14 }, () => Math.round(backoff.next()));
    expect(delays.slice(0, 5)).to.deep.equal([1000, 1600, 2560, 4096, 6554]);
    expect(delays.at(-1)).to.equal(120_000);
    expect(Math.max(...delays)).to.equal(120_000);
  });

  it("jitters by ±20 %", () => {
    expect(new Backoff({}, () => 0).next()).to.equal(800);
    expect(new Backoff({}, () => 1).next()).to.equal(1200);
  });

  it("gives each attempt at least the 20 s minimum connect timeout, more once the backoff exceeds it", () => {
    const backoff = new Backoff({}, () => 0.5);
    expect(backoff.connectTimeoutMs()).to.equal(20_000);
    for (let i = 0; i < 10; i++) backoff.next();
    expect(backoff.connectTimeoutMs()).to.be.closeTo(1000 * 1.6 ** 10, 1e-6);
  });

  it("resets to the initial backoff", () => {
    const backoff = new Backoff({ initialBackoffMs: 10, multiplier: 2, maxBackoffMs: 100, jitter: 0, minConnectTimeoutMs: 5 }, () => 0.9);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).to.deep.equal([10, 20, 40, 80, 100]);
    backoff.reset();
    expect(backoff.next()).to.equal(10);
    expect(backoff.connectTimeoutMs()).to.equal(20);
  });

  for (const options of [
    { initialBackoffMs: 0 },
    { multiplier: -1 },
    { maxBackoffMs: Infinity },
    { jitter: 1 },
    { jitter: -0.1 },
    { minConnectTimeoutMs: Number.NaN },
  ])
    it(`rejects ${JSON.stringify(options)}`, () => expect(() => new Backoff(options)).to.throw(RangeError));
});
