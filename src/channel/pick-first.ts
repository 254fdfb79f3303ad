import { ConnectivityState } from "./connectivity.js";
import { aggregateSubchannelStates, type ChannelControl, type Policy } from "./policy.js";
import type { Subchannel } from "./subchannel.js";
import type { Transport } from "./transport.js";

/**
 * pick_first: tries the addresses one at a time, in resolver order, and sends every call to
 * the first READY one. When an attempt fails it moves on to the next IDLE address (an address
 * in backoff is skipped); when every address failed the channel is TRANSIENT_FAILURE.
 * https://github.com/grpc/grpc/blob/master/doc/load-balancing.md#pick_first
 */
export class PickFirst implements Policy {
  private readonly control: ChannelControl;

  constructor(control: ChannelControl) {
    this.control = control;
  }

  pick<T extends Transport>(subchannels: readonly Subchannel<T>[]): T | undefined {
    for (let i = 0; i < subchannels.length; i++) {
      const subchannel = subchannels[i]!;
      if (subchannel.state === ConnectivityState.Ready) return subchannel.pick();
    }
    return undefined;
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
