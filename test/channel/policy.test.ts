import { expect } from "chai";
import { ConnectivityState, type Subchannel, type Transport } from "../../src/channel/index.js";
import { aggregateSubchannelStates } from "../../src/channel/policy.js";

const { Idle, Connecting, Ready, TransientFailure } = ConnectivityState;

describe("channel/policy: aggregateSubchannelStates", () => {
  const cases: [ConnectivityState[], ConnectivityState][] = [
    [[Ready, TransientFailure, Idle], Ready],
    [[TransientFailure, Connecting, Idle], Connecting],
    [[TransientFailure, Idle], Idle],
    [[Idle], Idle],
    [[TransientFailure, TransientFailure], TransientFailure],
    [[], TransientFailure],
  ];
  for (const [states, expected] of cases)
    it(`${states.join(", ") || "no subchannels"} -> ${expected}`, () => {
      const subchannels = states.map((state) => ({ state }) as Subchannel<Transport>);
      expect(aggregateSubchannelStates(subchannels)).to.equal(expected);
    });
});
