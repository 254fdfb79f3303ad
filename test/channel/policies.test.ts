import { expect } from "chai";
import { Balancer, ConnectivityState, parseLoadBalancingConfig } from "../../src/channel/index.js";
import type { ParsedOutlierDetectionConfig } from "../../src/channel/outlier-detection.js";
import { createPolicy } from "../../src/channel/policies.js";
import { FakeNetwork, type FakeTransport, ipv4Target, settle } from "./fake-transport.js";

const control = { exitIdle: () => {} };

describe("channel/policies: parseLoadBalancingConfig", () => {
  it("picks the first registered policy, skipping unknown names (gRFC A2)", () => {
    const choice = parseLoadBalancingConfig([{ grpclb: {} }, { round_robin: {} }, { pick_first: {} }]);
    expect(choice).to.deep.equal({ name: "round_robin", config: {} });
  });

  it("fills pick_first's default and keeps shuffleAddressList", () => {
    expect(parseLoadBalancingConfig([{ pick_first: {} }]).config).to.deep.equal({ shuffleAddressList: false });
    expect(parseLoadBalancingConfig([{ pick_first: { shuffleAddressList: true } }]).config).to.deep.equal({ shuffleAddressList: true });
  });

  it("parses outlier detection with its defaults and a nested child policy", () => {
    const choice = parseLoadBalancingConfig([
      { outlier_detection_experimental: { failurePercentageEjection: {}, childPolicy: [{ unknown_policy: {} }, { round_robin: {} }] } },
    ]);
    expect(choice.name).to.equal("outlier_detection_experimental");
    const config = choice.config as ParsedOutlierDetectionConfig;
    expect(config).to.deep.include({ intervalMs: 10_000, baseEjectionTimeMs: 30_000, maxEjectionTimeMs: 300_000, maxEjectionPercent: 10 });
    expect(config.successRate).to.equal(undefined);
    expect(config.failurePercentage).to.deep.equal({ threshold: 85, enforcementPercentage: 100, minimumHosts: 5, requestVolume: 50 });
    expect(config.child).to.deep.equal({ name: "round_robin", config: {} });
  });

  it("reads durations in the protobuf JSON form", () => {
    const config = parseLoadBalancingConfig([
      {
        outlier_detection_experimental: {
          interval: "0.25s",
          baseEjectionTime: "400s",
          successRateEjection: { stdevFactor: 1000, requestVolume: 10, minimumHosts: 3 },
          childPolicy: [{ pick_first: {} }],
        },
      },
    ]).config as ParsedOutlierDetectionConfig;
    expect(config.intervalMs).to.equal(250);
    expect(config.baseEjectionTimeMs).to.equal(400_000);
    expect(config.maxEjectionTimeMs).to.equal(400_000); // max(300 s, base)
    expect(config.successRate).to.deep.equal({ stdevFactor: 1000, enforcementPercentage: 100, minimumHosts: 3, requestVolume: 10 });
  });

  const od = (fields: Record<string, unknown>) => [{ outlier_detection_experimental: { childPolicy: [{ round_robin: {} }], ...fields } }];
  const invalid: [string, unknown, string][] = [
    ["not a list", { pick_first: {} }, "loadBalancingConfig: must be a list"],
    ["an empty list", [], "loadBalancingConfig: names no supported policy"],
    [
      "only unknown policies",
      [{ grpclb: {} }],
      "names no supported policy (supported: pick_first, round_robin, outlier_detection_experimental)",
    ],
    ["an entry with two keys", [{ pick_first: {}, round_robin: {} }], "loadBalancingConfig[0]: must be an object with exactly one key"],
    ["an entry that is a string", ["round_robin"], "loadBalancingConfig[0]: must be an object with exactly one key"],
    ["a config that is not an object", [{ pick_first: true }], "loadBalancingConfig[0].pick_first: must be a JSON object"],
    [
      "a non-boolean shuffleAddressList",
      [{ pick_first: { shuffleAddressList: "yes" } }],
      "pick_first.shuffleAddressList: must be a boolean",
    ],
    ["a misspelt field", [{ pick_first: { shuffleAdressList: true } }], 'unknown field "shuffleAdressList"'],
    ["a field in round_robin", [{ round_robin: { x: 1 } }], 'loadBalancingConfig[0].round_robin: unknown field "x"'],
    ["a missing childPolicy", [{ outlier_detection_experimental: {} }], "outlier_detection_experimental.childPolicy: must be given"],
    [
      "a child with no known policy",
      od({ childPolicy: [{ grpclb: {} }] }),
      "outlier_detection_experimental.childPolicy: names no supported policy",
    ],
    ["a bad child config", od({ childPolicy: [{ pick_first: 1 }] }), "childPolicy[0].pick_first: must be a JSON object"],
    ["a duration without unit", od({ interval: "10" }), "outlier_detection_experimental.interval: must be a non-negative duration"],
    ["a negative duration", od({ baseEjectionTime: "-1s" }), "baseEjectionTime: must be a non-negative duration"],
    ["a numeric duration", od({ maxEjectionTime: 10 }), "maxEjectionTime: must be a non-negative duration"],
    ["a zero interval", od({ interval: "0s" }), "interval: must be at least 1 ms"],
    ["a percentage over 100", od({ maxEjectionPercent: 101 }), "maxEjectionPercent: must be an integer from 0 to 100"],
    ["a fractional count", od({ successRateEjection: { minimumHosts: 1.5 } }), "successRateEjection.minimumHosts: must be an integer"],
    [
      "a threshold over 100",
      od({ failurePercentageEjection: { threshold: 150 } }),
      "failurePercentageEjection.threshold: must be an integer from 0 to 100",
    ],
    [
      "an unknown ejection field",
      od({ failurePercentageEjection: { treshold: 50 } }),
      'failurePercentageEjection: unknown field "treshold"',
    ],
  ];
  for (const [what, list, message] of invalid)
    it(`rejects ${what} with a TypeError naming the path`, () => {
      expect(() => parseLoadBalancingConfig(list)).to.throw(TypeError, message);
    });

  it("names the caller's path", () => {
    expect(() => parseLoadBalancingConfig([{ pick_first: 1 }], "serviceConfig.loadBalancingConfig")).to.throw(
      TypeError,
      "channel: serviceConfig.loadBalancingConfig[0].pick_first: must be a JSON object",
    );
  });
});

describe("channel/policies: createPolicy", () => {
  it("creates a policy by name or by parsed choice", () => {
    expect(createPolicy("round_robin", control).usesHealthChecks).to.equal(true);
    expect(createPolicy("pick_first", control).usesHealthChecks).to.equal(false);
    const wrapped = createPolicy(parseLoadBalancingConfig(od()), control);
    expect(wrapped.usesHealthChecks).to.equal(true); // the child's answer
    expect(wrapped.tracksCalls).to.equal(false); // no ejection configured: nothing counted
    wrapped.close?.();
  });

  it("rejects an unknown name", () => {
    expect(() => createPolicy("grpclb", control)).to.throw(TypeError, 'unknown load balancing policy "grpclb"');
    expect(() => createPolicy("toString", control)).to.throw(TypeError, "unknown load balancing policy");
  });

  function od(): unknown[] {
    return [{ outlier_detection_experimental: { childPolicy: [{ round_robin: {} }] } }];
  }
});

describe("channel/balancer: setLoadBalancingConfig", () => {
  async function readyOnPickFirst() {
    const network = new FakeNetwork();
    const channel = new Balancer<FakeTransport>(ipv4Target(1, 2), { connect: network.connect });
    channel.getState(true);
    await settle();
    const first = network.attempt("127.0.0.1:1").succeed();
    return { network, channel, first };
  }

  it("switches policy: the old connections close, the addresses connect anew under the new one", async () => {
    const { network, channel, first } = await readyOnPickFirst();
    try {
      channel.setLoadBalancingConfig([{ round_robin: {} }]);
      expect(first.closed).to.equal(true);
      await settle();
      expect(network.running()).to.deep.equal(["127.0.0.1:1", "127.0.0.1:2"]);
      const transports = [1, 2].map((port) => network.attempt(`127.0.0.1:${port}`).succeed());
      expect(channel.getState()).to.equal(ConnectivityState.Ready);
      expect(new Set([channel.pick(false), channel.pick(false)])).to.deep.equal(new Set(transports));
    } finally {
      channel.close();
    }
  });

  it("changes nothing for the config in force, and keeps it on an invalid one", async () => {
    const { network, channel, first } = await readyOnPickFirst();
    try {
      channel.setLoadBalancingConfig([{ grpclb: {} }, { pick_first: {} }]);
      expect(() => channel.setLoadBalancingConfig([{ round_robin: 1 }], "serviceConfig.loadBalancingConfig")).to.throw(
        TypeError,
        "channel: serviceConfig.loadBalancingConfig[0].round_robin: must be a JSON object",
      );
      await settle();
      expect(first.closed).to.equal(false);
      expect(network.running()).to.deep.equal([]);
      expect(channel.pick(false)).to.equal(first);
    } finally {
      channel.close();
    }
  });
});
