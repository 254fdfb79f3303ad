// Type tests of load-balancing configs: ChannelOptions.loadBalancingConfig takes gRFC A2's list,
// one known policy per entry, each with its own config; a misspelt policy or field, two
// policies in one entry or a malformed duration is a compile error.
import type { ChannelOptions, LoadBalancingConfigEntry } from "../../src/index.js";

export const roundRobin: ChannelOptions = { loadBalancingConfig: [{ round_robin: {} }] };
export const shuffled: ChannelOptions = { loadBalancingConfig: [{ pick_first: { shuffleAddressList: true } }, { round_robin: {} }] };
export const outliers: LoadBalancingConfigEntry = {
  outlier_detection_experimental: {
    interval: "10s",
    baseEjectionTime: "0.5s",
    maxEjectionPercent: 20,
    successRateEjection: { stdevFactor: 1900, minimumHosts: 3 },
    failurePercentageEjection: { threshold: 50, requestVolume: 20 },
    childPolicy: [{ outlier_detection_experimental: { childPolicy: [{ round_robin: {} }] } }],
  },
};

// @ts-expect-error: not a policy this library knows
export const unknownPolicy: LoadBalancingConfigEntry = { grpclb: {} };
// @ts-expect-error: two policies in one entry
export const twoPolicies: LoadBalancingConfigEntry = { round_robin: {}, pick_first: {} };
// @ts-expect-error: shuffleAddressList is a boolean
export const notBoolean: LoadBalancingConfigEntry = { pick_first: { shuffleAddressList: "yes" } };
// @ts-expect-error: a misspelt field
export const misspelt: LoadBalancingConfigEntry = { pick_first: { shuffleAdressList: true } };
// @ts-expect-error: round_robin takes no config fields
export const roundRobinField: LoadBalancingConfigEntry = { round_robin: { weight: 1 } };
// @ts-expect-error: a duration needs its unit
export const noUnit: LoadBalancingConfigEntry = { outlier_detection_experimental: { interval: "10", childPolicy: [{ round_robin: {} }] } };
// @ts-expect-error: outlier detection needs a child policy
export const noChild: LoadBalancingConfigEntry = { outlier_detection_experimental: { interval: "10s" } };
// @ts-expect-error: a list, not one entry
export const notList: ChannelOptions = { loadBalancingConfig: { round_robin: {} } };
