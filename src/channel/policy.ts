import { ConnectivityState } from "./connectivity.js";
import type { Subchannel } from "./subchannel.js";
import type { Transport } from "./transport.js";

/** What a policy may ask of the channel it balances (gRPC's "channel control helper"). */
export interface ChannelControl {
  /** Leaves IDLE: resolves again when the addresses are stale, else asks the policy to connect. */
  exitIdle(): void;
}

/**
 * A load-balancing policy: which subchannels to connect, which one takes a call, and the
 * channel's state as seen from its subchannels. One file per policy, listed in `policies.ts`.
 *
 * The balancer owns the subchannel list (one per resolved address, in resolver order) and
 * hands it to every method.
 * https://github.com/grpc/grpc/blob/master/doc/load-balancing.md
 */
export interface Policy {
  /**
   * Picks a transport for a new call, or undefined when none can take it now. Runs for every
   * call: synchronous, and allocates nothing.
   */
  pick<T extends Transport>(subchannels: readonly Subchannel<T>[]): T | undefined;
  /** Starts the connection attempts this policy wants when the channel leaves IDLE. */
  exitIdle(subchannels: readonly Subchannel<Transport>[]): void;
  /**
   * The channel's state after a subchannel changed (`current` is the state before); a policy
   * may start the next attempt here, through the ChannelControl it was created with.
   */
  aggregateState(subchannels: readonly Subchannel<Transport>[], current: ConnectivityState): ConnectivityState;
}

/**
 * The usual aggregation rule: READY if any subchannel is, else CONNECTING if any is, else
 * IDLE if any is, else TRANSIENT_FAILURE.
 * https://github.com/grpc/grpc/blob/master/doc/load-balancing.md
 */
export function aggregateSubchannelStates(subchannels: readonly Subchannel<Transport>[]): ConnectivityState {
  let connecting = false;
  let idle = false;
  for (const subchannel of subchannels) {
    if (subchannel.state === ConnectivityState.Ready) return ConnectivityState.Ready;
    if (subchannel.state === ConnectivityState.Connecting) connecting = true;
    else if (subchannel.state === ConnectivityState.Idle) idle = true;
  }
  if (connecting) return ConnectivityState.Connecting;
  return idle ? ConnectivityState.Idle : ConnectivityState.TransientFailure;
}
