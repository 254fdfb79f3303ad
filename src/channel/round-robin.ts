import { configObject } from "./config-fields.js";
import { ConnectivityState } from "./connectivity.js";
import { aggregateSubchannelStates, type Policy, type PolicyFactory } from "./policy.js";
import type { Subchannel } from "./subchannel.js";
import type { Transport } from "./transport.js";

/**
 * round_robin: connects to every address at once (and reconnects one that lost its connection
 * while the channel is in use) and gives each call to the next READY subchannel with room for
 * it, in turn; the channel is READY as soon as one is. A hedge passes over the subchannels its
 * call's earlier attempts went to while another can take it (the turn moves on from the one picked).
 * https://github.com/grpc/grpc/blob/master/doc/load-balancing.md#round_robin
 */
export class RoundRobin implements Policy {
  readonly usesHealthChecks = true;
  readonly tracksCalls = false;
  private nextIndex = 0;

  pick<T extends Transport>(subchannels: readonly Subchannel<T>[], skip?: (subchannel: Subchannel<T>) => boolean): T | undefined {
    const count = subchannels.length;
    for (let i = 0; i < count; i++) {
      const index = (this.nextIndex + i) % count;
      const subchannel = subchannels[index]!;
      if (subchannel.state !== ConnectivityState.Ready || skip?.(subchannel) === true) continue;
      const transport = subchannel.pick();
      if (transport !== undefined) {
        this.nextIndex = index + 1;
        return transport;
      }
    }
    return undefined;
  }

  exitIdle(subchannels: readonly Subchannel<Transport>[]): void {
    for (const subchannel of subchannels) if (subchannel.state === ConnectivityState.Idle) subchannel.connect();
  }

  aggregateState(subchannels: readonly Subchannel<Transport>[]): ConnectivityState {
    const state = aggregateSubchannelStates(subchannels);
    // An address that lost its connection (or ended its backoff) reconnects at once while the
    // channel is in use, as gRPC's round_robin does; a channel whose addresses all went IDLE stays IDLE.
    if (state !== ConnectivityState.Idle)
      for (const subchannel of subchannels) if (subchannel.connectivity === ConnectivityState.Idle) subchannel.connect();
    return state;
  }
}

/** The registry entry of round_robin: its config is `{}`. */
export const ROUND_ROBIN: PolicyFactory<Record<string, never>> = {
  parseConfig(json, path) {
    configObject(json, path, []);
    return {};
  },
  create: () => new RoundRobin(),
};
