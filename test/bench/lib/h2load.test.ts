import { expect } from "chai";
import { parseH2loadOutput } from "../../../bench/lib/h2load.js";

describe("bench parseH2loadOutput", () => {
  it("reads requests per second, successes and failures", () => {
    const output = [
      "finished in 5.00s, 23930.67 req/s, 24.37MB/s",
      "requests: 71792 total, 71856 started, 71792 done, 71790 succeeded, 1 failed, 1 errored, 0 timeout",
    ].join("\n");
    expect(parseH2loadOutput(output)).to.deep.equal({ requestsPerSecond: 23930.67, succeeded: 71790, failed: 2 });
  });
  it("reads sub-second durations", () => {
    const output =
      "finished in 500.12ms, 10.00 req/s, 1MB/s\nrequests: 5 total, 5 started, 5 done, 5 succeeded, 0 failed, 0 errored, 0 timeout";
    expect(parseH2loadOutput(output).requestsPerSecond).to.equal(10);
  });
  it("throws on output without a summary", () => expect(() => parseH2loadOutput("connect failed")).to.throw(/h2load/));
});
