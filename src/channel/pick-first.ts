import { configObject, optionalBoolean } from "./config-fields.js";
import { ConnectivityState } from "./connectivity.js";
import type { PickFirstConfig } from "./load-balancing-config.js";
import { aggregateSubchannelStates, type ChannelControl, type Policy, type PolicyFactory } from "./policy.js";
import type { Subchannel } from "./subchannel.js";
import type { Address } from "./target.js";
import type { Transport } from "./transport.js";

/**
 * pick_first: tries the addresses one at a time, in resolver order (shuffled first when
 * `shuffleAddressList` is set), and sends every call to the first READY one. When an attempt
 * fails it moves on to the next IDLE address (an address in backoff is skipped); when every
 * address failed the channel is TRANSIENT_FAILURE. Hedges of a call go to that one connection too
 * (its `skip` is ignored): pick_first keeps one connection, and opening others for hedges would
 * not be pick_first.
 * https://github.com/grpc/grpc/blob/master/doc/load-balancing.md#pick_first
 * https://github.com/grpc/proposal/blob/master/A62-pick-first.md
 */
export class PickFirst implements Policy {
  readonly usesHealthChecks = false;
  readonly tracksCalls = false;
  private readonly control: ChannelControl;
  private readonly shuffle: boolean;
  private readonly random: () => number;

  constructor(control: ChannelControl, config: PickFirstConfig = {}, random: () => number = Math.random) {
    this.control = control;
    this.shuffle = config.shuffleAddressList ?? false;
    this.random = random;
  }

  pick<T extends Transport>(subchannels: readonly Subchannel<T>[]): T | undefined {
    for (let i = 0; i < subchannels.length; i++) {
      const subchannel = subchannels[i]!;
      if (subchannel.state === ConnectivityState.Ready) return subchannel.pick();
    }
    return undefined;
  }

  /** gRFC A62: with `shuffleAddressList`, a uniform (Fisher-Yates) shuffle of every resolver result, so clients spread over the backends. */
  orderAddresses(addresses: readonly Address[]): readonly Address[] {
    if (!this.shuffle) return addresses;
    const shuffled = addresses.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const swap = shuffled[i]!;
      shuffled[i] = shuffled[j]!;
      shuffled[j] = swap;
    }
    return shuffled;
  }

  exitIdle(subchannels: readonly Subchannel<Transport>[]): void {
    // One attempt at a time, in address order; an address in backoff is skipped.
    if (subchannels.some((s) => s.state === ConnectivityState.Ready || s.state === ConnectivityState.Connecting)) return;
    subchannels.find((s) => s.state === ConnectivityState.Idle)?.connect();
  }

  aggregateState(subchannels: readonly Subchannel<Transport>[], current: ConnectivityState): ConnectivityState {
    const state = aggregateSubchannelStates(subchannels);
    if (state !== ConnectivityState.Idle || current !== ConnectivityState.Connecting) return state;
    // The attempt failed on this address; pick_first moves on to the next one.
    this.control.exitIdle();
    return subchannels.some((s) => s.state === ConnectivityState.Connecting) ? ConnectivityState.Connecting : ConnectivityState.Idle;
  }
}

/** The registry entry of pick_first: its config is `{}` or `{ "shuffleAddressList": boolean }`. */
export const PICK_FIRST: PolicyFactory<PickFirstConfig> = {
  parseConfig(json, path) {
    const object = configObject(json, path, ["shuffleAddressList"]);
    return { shuffleAddressList: optionalBoolean(object, "shuffleAddressList", path) ?? false };
  },
  create: (config, control) => new PickFirst(control, config),
};
