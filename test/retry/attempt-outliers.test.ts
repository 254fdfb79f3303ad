// Outlier detection (gRFC A50) sees every attempt of a retried call (gRFC A6): an attempt counts
// against the backend that served it. With a retry policy on UNAVAILABLE, every call to a backend
// that always fails succeeds on a retry elsewhere, so counting calls alone would never see the
// failing backend; counting attempts ejects it, and first attempts stop going there.
import { expect } from "chai";
import { Channel, createClient } from "../../src/index.js";
import { Probe } from "../e2e/server-fixtures.js";
import { type Backend, startBackend } from "../lb/backends.js";

describe("retries and outlier detection: each attempt counts against its backend", function () {
  this.timeout(60_000);
  let backends: Backend[] = [];
  let channel: Channel | undefined;

  afterEach(async () => {
    channel?.close();
    channel = undefined;
    await Promise.all(backends.map((backend) => backend.server.forceShutdown()));
    backends = [];
  });

  it("ejects a backend whose attempts fail although every call succeeds on a retry", async () => {
    backends = [await startBackend("good-1"), await startBackend("bad", { failShare: 1 }), await startBackend("good-2")];
    channel = new Channel(`ipv4:${backends.map((backend) => `127.0.0.1:${backend.port}`).join(",")}`, {
      serviceConfig: {
        loadBalancingConfig: [
          {
            outlier_detection_experimental: {
              interval: "0.1s",
              baseEjectionTime: "30s",
              failurePercentageEjection: { threshold: 50, minimumHosts: 3, requestVolume: 5 },
              childPolicy: [{ round_robin: {} }],
            },
          },
        ],
        methodConfig: [
          {
            name: [{ service: "test.Probe" }],
            retryPolicy: {
              maxAttempts: 3,
              initialBackoff: "0.01s",
              maxBackoff: "0.05s",
              backoffMultiplier: 2,
              retryableStatusCodes: ["UNAVAILABLE"],
            },
          },
        ],
      },
    });
    const client = createClient(Probe, channel);
    const bad = backends[1]!;
    let failed = 0;
    const calls = async (count: number) => {
      for (let done = 0; done < count; done += 10)
        await Promise.all(Array.from({ length: 10 }, () => client.echo!({}, { timeoutMs: 20_000 }).catch(() => failed++)));
    };
    // Until the detector ejects the bad backend (a generous bound for a loaded machine).
    let ejected = false;
    for (let round = 0; round < 200 && !ejected; round++) {
      const before = bad.calls;
      await calls(30);
      ejected = bad.calls === before;
    }
    expect(failed, "calls failed (each should succeed on a retry)").to.equal(0);
    expect(ejected, "the backend failing every attempt was ejected").to.equal(true);
    const before = bad.calls;
    await calls(60);
    expect(bad.calls - before, "attempts sent to the ejected backend").to.equal(0);
    expect(failed).to.equal(0);
  });
});
