import { configObject } from "./config-fields.js";
import { ConnectivityState } from "./connectivity.js";
import { aggregateSubchannelStates, type Policy, type PolicyFactory } from "./policy.js";
import type { Subchannel } from "./subchannel.js";
import type { Transport } from "./transport.js";

/**
 * round_robin: connects to every address at once and gives each call to the next READY
 * subchannel with room for it, in turn; the channel is READY as soon as one is.
 * https://github.com/grpc/grpc/blob/master/doc/load-balancing.md#round_robin
 */
export class RoundRobin implements Policy {
  readonly usesHealthChecks = true;
  readonly tracksCalls = false;
  private nextIndex = 0;

  pick<T extends Transport>(subchannels: readonly Subchannel<T>[]): T | undefined {
    const count = subchannels.length;
    for (let i = 0; i < count; i++) {
      const index = (this.nextIndex + i) % count;
      const subchannel = subchannels[index]!;
      if (subchannel.state !== ConnectivityState.Ready) continue;
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
    return aggregateSubchannelStates(subchannels);
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
