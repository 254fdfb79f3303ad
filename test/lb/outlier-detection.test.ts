// Outlier detection (gRFC A50) end to end: a Channel over 3 real tsgrpc servers, one of which
// fails a share of its calls; the detector ejects it, the others take every call, and it comes
// back once its ejection time is over.
import { expect } from "chai";
import { Channel, createClient, type LoadBalancingConfigEntry, type OutlierDetectionConfig } from "../../src/index.js";
import { Probe } from "../e2e/server-fixtures.js";
import { type Backend, startBackend } from "./backends.js";

describe("lb e2e: outlier detection (gRFC A50)", function () {
  this.timeout(60_000);
  let backends: Backend[] = [];
  let channel: Channel | undefined;

  afterEach(async () => {
    channel?.close();
    channel = undefined;
    await Promise.all(backends.map((backend) => backend.server.forceShutdown()));
    backends = [];
  });

  async function run(ejection: Omit<OutlierDetectionConfig, "childPolicy">) {
    backends = [await startBackend("good-1"), await startBackend("bad", { failShare: 0.5 }), await startBackend("good-2")];
    channel = new Channel(`ipv4:${backends.map((backend) => `127.0.0.1:${backend.port}`).join(",")}`, {
      loadBalancingConfig: [
        { grpclb: {} } as unknown as LoadBalancingConfigEntry, // unknown to us: skipped, as gRFC A2 says
        { outlier_detection_experimental: { interval: "0.1s", baseEjectionTime: "3s", ...ejection, childPolicy: [{ round_robin: {} }] } },
      ],
    });
    const client = createClient(Probe, channel);
    const bad = backends[1]!;
    /** Makes `count` calls in parallel batches; returns how many failed. */
    const calls = async (count: number) => {
      let failed = 0;
      for (let done = 0; done < count; done += 10)
        await Promise.all(Array.from({ length: 10 }, () => client.echo!({}).catch(() => failed++)));
      return failed;
    };
    // Until the detector ejects the bad backend (a generous bound for a loaded machine).
    let ejected = false;
    for (let round = 0; round < 200 && !ejected; round++) {
      const before = bad.calls;
      await calls(30);
      ejected = bad.calls === before;
    }
    expect(ejected, "the failing backend was ejected").to.equal(true);
    const before = backends.map((backend) => backend.calls);
    // 3 s of ejection leaves ample time for these calls, even on a loaded machine.
    expect(await calls(100)).to.equal(0);
    const after = backends.map((backend, i) => backend.calls - before[i]!);
    expect(after[1]).to.equal(0);
    expect(after[0]! + after[2]!).to.equal(100);
    expect(Math.abs(after[0]! - after[2]!)).to.be.at.most(2); // round_robin over the two left
    // Healed, it takes calls again once its ejection time (3 s) is over.
    bad.failShare = 0;
    for (let round = 0; round < 400 && bad.calls === before[1]!; round++) {
      await calls(10);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(bad.calls, "the healed backend is back").to.be.above(before[1]!);
  }

  it("ejects by failure percentage, keeps it out, and lets it back after the ejection time", async () => {
    await run({ failurePercentageEjection: { threshold: 30, minimumHosts: 3, requestVolume: 10 } });
  });

  it("ejects by success rate", async () => {
    // Rates 1, 0.5, 1: mean 0.83, stdev 0.24; with factor 1.0 the threshold is 0.6.
    await run({ successRateEjection: { stdevFactor: 1000, minimumHosts: 3, requestVolume: 10 } });
  });
});
