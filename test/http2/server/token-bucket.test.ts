import { expect } from "chai";
import { TokenBucket } from "../../../src/http2/server/token-bucket.js";

describe("http2/server: TokenBucket", () => {
  it("allows the burst, then refuses", () => {
    const bucket = new TokenBucket(3, 0);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).to.deep.equal([true, true, true, false]);
  });

  it("refills at its rate, never above the burst", async () => {
    const bucket = new TokenBucket(2, 100);
    expect([bucket.take(), bucket.take(), bucket.take()]).to.deep.equal([true, true, false]);
    await new Promise((resolve) => setTimeout(resolve, 60)); // at least 6 tokens' worth, capped at 2
    expect([bucket.take(), bucket.take(), bucket.take()]).to.deep.equal([true, true, false]);
  });

  it("a burst of 0 refuses at once", () => {
    expect(new TokenBucket(0, 0).take()).to.equal(false);
  });
});
