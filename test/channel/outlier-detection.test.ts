import { expect } from "chai";
import {
  Balancer,
  ConnectivityState,
  Subchannel,
  parseLoadBalancingConfig,
  type OutlierDetectionConfig,
  type SubchannelListener,
} from "../../src/channel/index.js";
import { OutlierDetection, type ParsedOutlierDetectionConfig } from "../../src/channel/outlier-detection.js";
import { RoundRobin } from "../../src/channel/round-robin.js";
import { Code, GrpcError } from "../../src/status/index.js";
import { FakeNetwork, type FakeTransport, ipv4Target, settle, sleep } from "./fake-transport.js";

const { Ready, TransientFailure } = ConnectivityState;
const FAILED = new GrpcError(Code.Unavailable, "test: backend failed the call");

function parse(config: Omit<OutlierDetectionConfig, "childPolicy">): ParsedOutlierDetectionConfig {
  const list = [{ outlier_detection_experimental: { interval: "1000s", ...config, childPolicy: [{ round_robin: {} }] } }];
  return parseLoadBalancingConfig(list).config as ParsedOutlierDetectionConfig;
}

/** An outlier detector over `count` connected subchannels, driven by hand (`sweep(now)` is the fake clock). */
function detector(count: number, config: Omit<OutlierDetectionConfig, "childPolicy">, random?: () => number) {
  const network = new FakeNetwork();
  const changes: number[] = [];
  const listener: SubchannelListener = { subchannelChanged: (subchannel) => changes.push(subchannels.indexOf(subchannel as never)) };
  const subchannels = Array.from(
    { length: count },
    (_, i) => new Subchannel<FakeTransport>({ host: "10.0.0.1", port: 1000 + i }, { connect: network.connect }, listener),
  );
  const transports = subchannels.map((subchannel, i) => {
    subchannel.connect();
    return network.attempt(`10.0.0.1:${1000 + i}`).succeed();
  });
  const policy = new OutlierDetection(parse(config), new RoundRobin(), random);
  policy.addressesChanged(subchannels);
  changes.length = 0;
  /** Ends `calls` calls on subchannel `index`, `failures` of them failed. */
  const report = (index: number, calls: number, failures: number) => {
    for (let i = 0; i < calls; i++) subchannels[index]!.callCounter!.onStreamEnd(i < failures ? FAILED : undefined);
  };
  const ejected = () => subchannels.flatMap((subchannel, i) => (subchannel.ejected ? [i] : []));
  return { policy, subchannels, transports, report, ejected, changes };
}

const FAILURE_PERCENTAGE = { failurePercentageEjection: { minimumHosts: 5, requestVolume: 50, threshold: 85 } };

describe("channel/outlier-detection (gRFC A50)", () => {
  const policies: OutlierDetection[] = [];
  afterEach(() => {
    for (const policy of policies.splice(0)) policy.close();
  });
  function make(...args: Parameters<typeof detector>) {
    const made = detector(...args);
    policies.push(made.policy);
    return made;
  }

  describe("failure percentage", () => {
    it("ejects an address failing above the threshold; the child stops picking it", () => {
      const { policy, subchannels, transports, report, ejected, changes } = make(5, FAILURE_PERCENTAGE);
      for (let i = 0; i < 5; i++) report(i, 100, i === 3 ? 90 : 5);
      policy.sweep(0);
      expect(ejected()).to.deep.equal([3]);
      expect(changes).to.deep.equal([3]); // the balancer heard of it
      expect(subchannels[3]!.state).to.equal(TransientFailure);
      expect(subchannels[3]!.connectivity).to.equal(Ready); // still connected
      const picked = new Set(Array.from({ length: 20 }, () => policy.pick(subchannels)));
      expect(picked).to.not.include(transports[3]);
      expect(picked.size).to.equal(4);
    });

    it("judges only the last interval's calls", () => {
      const { policy, report, ejected } = make(5, FAILURE_PERCENTAGE);
      for (let i = 0; i < 5; i++) report(i, 100, i === 0 ? 100 : 0);
      policy.sweep(0); // ejects 0, and a new interval begins
      expect(ejected()).to.deep.equal([0]);
      for (let i = 1; i < 5; i++) report(i, 100, 0);
      policy.sweep(10_000);
      policy.sweep(20_000);
      expect(ejected()).to.deep.equal([0]); // nothing new to judge
    });

    it("does not judge an address below requestVolume, nor any with fewer than minimumHosts addresses", () => {
      const few = make(5, FAILURE_PERCENTAGE);
      for (let i = 0; i < 5; i++) few.report(i, i === 2 ? 49 : 100, i === 2 ? 49 : 0);
      few.policy.sweep(0);
      expect(few.ejected()).to.deep.equal([]);
      const small = make(4, FAILURE_PERCENTAGE);
      for (let i = 0; i < 4; i++) small.report(i, 100, i === 0 ? 100 : 0);
      small.policy.sweep(0);
      expect(small.ejected()).to.deep.equal([]);
    });

    it("does not eject at exactly the threshold (A50: greater than)", () => {
      const { policy, report, ejected } = make(5, FAILURE_PERCENTAGE);
      for (let i = 0; i < 5; i++) report(i, 100, i === 1 ? 85 : 0);
      policy.sweep(0);
      expect(ejected()).to.deep.equal([]);
    });

    it("ejects with enforcementPercentage as the chance", () => {
      const never = make(5, { failurePercentageEjection: { ...FAILURE_PERCENTAGE.failurePercentageEjection, enforcementPercentage: 0 } });
      for (let i = 0; i < 5; i++) never.report(i, 100, i === 0 ? 100 : 0);
      never.policy.sweep(0);
      expect(never.ejected()).to.deep.equal([]);
      const config = { failurePercentageEjection: { ...FAILURE_PERCENTAGE.failurePercentageEjection, enforcementPercentage: 50 } };
      const lucky = make(5, config, () => 0.49); // draws 49 < 50: ejected
      const unlucky = make(5, config, () => 0.5); // draws 50: spared
      for (const made of [lucky, unlucky]) {
        for (let i = 0; i < 5; i++) made.report(i, 100, i === 0 ? 100 : 0);
        made.policy.sweep(0);
      }
      expect(lucky.ejected()).to.deep.equal([0]);
      expect(unlucky.ejected()).to.deep.equal([]);
    });
  });

  describe("success rate", () => {
    const SUCCESS_RATE = { successRateEjection: { minimumHosts: 5, requestVolume: 100 } };

    it("ejects an address below mean - stdev x 1.9", () => {
      // Rates 1, 1, 1, 1, 0.5: mean 0.9, stdev 0.2, threshold 0.52.
      const { policy, report, ejected } = make(5, SUCCESS_RATE);
      for (let i = 0; i < 5; i++) report(i, 100, i === 4 ? 50 : 0);
      policy.sweep(0);
      expect(ejected()).to.deep.equal([4]);
    });

    it("spares an address just above the threshold", () => {
      // Rates 1, 1, 1, 1, 0.6: mean 0.92, stdev 0.16, threshold 0.616 > 0.6: ejected; with factor 3000: 0.44, spared.
      const strict = make(5, { successRateEjection: { ...SUCCESS_RATE.successRateEjection, stdevFactor: 3000 } });
      for (let i = 0; i < 5; i++) strict.report(i, 100, i === 4 ? 40 : 0);
      strict.policy.sweep(0);
      expect(strict.ejected()).to.deep.equal([]);
      const usual = make(5, SUCCESS_RATE);
      for (let i = 0; i < 5; i++) usual.report(i, 100, i === 4 ? 40 : 0);
      usual.policy.sweep(0);
      expect(usual.ejected()).to.deep.equal([4]);
    });

    it("needs minimumHosts addresses with requestVolume calls", () => {
      const { policy, report, ejected } = make(5, SUCCESS_RATE);
      for (let i = 0; i < 5; i++) report(i, i === 0 ? 99 : 100, i === 4 ? 100 : 0);
      policy.sweep(0);
      expect(ejected()).to.deep.equal([]);
    });

    it("ejects nothing when every address fails alike", () => {
      const { policy, report, ejected } = make(5, SUCCESS_RATE);
      for (let i = 0; i < 5; i++) report(i, 100, 60);
      policy.sweep(0);
      expect(ejected()).to.deep.equal([]);
    });
  });

  describe("maxEjectionPercent", () => {
    it("stops once more than maxEjectionPercent is out, and always allows one", () => {
      const capped = make(5, { ...FAILURE_PERCENTAGE, maxEjectionPercent: 20 });
      for (let i = 0; i < 5; i++) capped.report(i, 100, i < 4 ? 100 : 0);
      capped.policy.sweep(0);
      expect(capped.ejected()).to.deep.equal([0, 1]); // 0 %, 20 % (not above 20), then 40 %: stop
      const zero = make(5, { ...FAILURE_PERCENTAGE, maxEjectionPercent: 0 });
      for (let i = 0; i < 5; i++) zero.report(i, 100, i < 4 ? 100 : 0);
      zero.policy.sweep(0);
      expect(zero.ejected()).to.deep.equal([0]);
    });

    it("defaults to 10 %", () => {
      const { policy, report, ejected } = make(5, FAILURE_PERCENTAGE);
      for (let i = 0; i < 5; i++) report(i, 100, i < 3 ? 100 : 0);
      policy.sweep(0);
      expect(ejected()).to.deep.equal([0]);
    });
  });

  describe("ejection time", () => {
    it("un-ejects after baseEjectionTime x the times ejected, capped by maxEjectionTime", () => {
      const { policy, subchannels, report, ejected, changes } = make(5, {
        ...FAILURE_PERCENTAGE,
        baseEjectionTime: "30s",
        maxEjectionTime: "50s",
        interval: "10s",
      });
      const badInterval = () => {
        for (let i = 0; i < 5; i++) report(i, 100, i === 0 ? 100 : 0);
      };
      badInterval();
      policy.sweep(0); // first ejection: 30 s
      policy.sweep(29_999);
      expect(ejected()).to.deep.equal([0]);
      changes.length = 0;
      policy.sweep(30_000);
      expect(ejected()).to.deep.equal([]);
      expect(changes).to.deep.equal([0]);
      expect(subchannels[0]!.state).to.equal(Ready);
      badInterval();
      policy.sweep(40_000); // second ejection: 60 s, capped at 50 s
      expect(ejected()).to.deep.equal([0]);
      policy.sweep(89_999);
      expect(ejected()).to.deep.equal([0]);
      policy.sweep(90_000);
      expect(ejected()).to.deep.equal([]);
    });

    it("lets the multiplier decay by one per sweep without ejection", () => {
      const { policy, report, ejected } = make(5, { ...FAILURE_PERCENTAGE, baseEjectionTime: "30s" });
      const badInterval = () => {
        for (let i = 0; i < 5; i++) report(i, 100, i === 0 ? 100 : 0);
      };
      badInterval();
      policy.sweep(0); // multiplier 1
      policy.sweep(30_000); // un-ejected; multiplier stays 1 in this sweep
      badInterval();
      policy.sweep(40_000); // multiplier 2: out for 60 s
      policy.sweep(100_000); // back
      policy.sweep(110_000); // multiplier 1
      policy.sweep(120_000); // multiplier 0
      badInterval();
      policy.sweep(130_000); // multiplier 1: out for 30 s only
      policy.sweep(159_999);
      expect(ejected()).to.deep.equal([0]);
      policy.sweep(160_000);
      expect(ejected()).to.deep.equal([]);
    });
  });

  it("keeps an address's ejection across address updates and forgets removed addresses", () => {
    const { policy, subchannels, report, ejected } = make(5, FAILURE_PERCENTAGE);
    for (let i = 0; i < 5; i++) report(i, 100, i === 2 ? 100 : 0);
    policy.sweep(0);
    expect(ejected()).to.deep.equal([2]);
    policy.addressesChanged(subchannels.slice(1)); // address 0 went away
    expect(policy.isEjected(subchannels[2]!.address)).to.equal(true);
    expect(policy.isEjected(subchannels[0]!.address)).to.equal(false);
    policy.addressesChanged(subchannels.slice(2)); // now 3 addresses: below minimumHosts
    for (let i = 2; i < 5; i++) report(i, 100, 100);
    policy.sweep(1000);
    expect(ejected()).to.deep.equal([2]);
  });

  it("counts nothing without an ejection config", () => {
    const { policy, subchannels } = make(2, {});
    expect(policy.tracksCalls).to.equal(false);
    expect(subchannels[0]!.callCounter).to.equal(undefined);
  });
});

describe("channel/balancer with outlier detection", () => {
  const balancers: Balancer<FakeTransport>[] = [];
  afterEach(() => {
    for (const created of balancers.splice(0)) created.close();
  });

  it("counts each call's end on its transport's address and ejects on the interval timer", async () => {
    const network = new FakeNetwork();
    const channel = new Balancer<FakeTransport>(ipv4Target(1, 2, 3), {
      connect: network.connect,
      loadBalancingConfig: [
        {
          outlier_detection_experimental: {
            interval: "0.05s",
            failurePercentageEjection: { minimumHosts: 3, requestVolume: 10 },
            childPolicy: [{ round_robin: {} }],
          },
        },
      ],
    });
    balancers.push(channel);
    channel.getState(true);
    await settle();
    const transports = [1, 2, 3].map((port) => network.attempt(`127.0.0.1:${port}`).succeed());
    expect(channel.getState()).to.equal(Ready);
    const bad = transports[1]!;
    // Calls keep flowing until the bad address is ejected (a generous bound for a loaded machine).
    for (let round = 0; round < 400; round++) {
      for (let i = 0; i < 6; i++) {
        const transport = channel.pick(false) as FakeTransport;
        channel.callCounter(transport)!.onStreamEnd(transport === bad ? FAILED : undefined);
      }
      await sleep(5);
      const picked = new Set(Array.from({ length: 6 }, () => channel.pick(false)));
      if (!picked.has(bad)) {
        expect(picked.size).to.equal(2);
        return;
      }
    }
    expect.fail("the failing address was never ejected");
  });

  it("has no call counter under a policy that counts nothing", async () => {
    const network = new FakeNetwork();
    const channel = new Balancer<FakeTransport>(ipv4Target(1), { connect: network.connect });
    balancers.push(channel);
    channel.getState(true);
    await settle();
    const transport = network.attempt("127.0.0.1:1").succeed();
    expect(channel.callCounter(transport)).to.equal(undefined);
  });
});
