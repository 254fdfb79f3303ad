import { ConnectivityState } from "./connectivity.js";
import type { Subchannel } from "./subchannel.js";
import type { Address } from "./target.js";
import type { Transport } from "./transport.js";

/** What a policy may ask of the channel it balances (gRPC's "channel control helper"). */
export interface ChannelControl {
  /** Leaves IDLE: resolves again when the addresses are stale, else asks the policy to connect. */
  exitIdle(): void;
}

/**
 * A validated load-balancing config: the chosen policy's name and its parsed config (gRFC A2's
 * `loadBalancingConfig`, first supported entry). Made by `parseLoadBalancingConfig`.
 */
export interface LoadBalancingChoice {
  readonly name: string;
  /** The policy's own parsed config; only its factory reads it. */
  readonly config: unknown;
}

/** What a policy's factory may use to parse and create the child policies it wraps. */
export interface PolicyRegistry {
  /** Picks the first registered policy of an A2 `loadBalancingConfig` list and validates its config. */
  parse(list: unknown, path: string): LoadBalancingChoice;
  /** Creates the policy of a parsed choice. */
  create(choice: LoadBalancingChoice, control: ChannelControl): Policy;
}

/** One registered policy: validates its JSON config and creates instances (`policies.ts` lists them). */
export interface PolicyFactory<C> {
  /** Validates the JSON under the policy's name; a mistake is a TypeError naming `path`. */
  parseConfig(json: unknown, path: string, registry: PolicyRegistry): C;
  /** Creates one instance for one channel. */
  create(config: C, control: ChannelControl, registry: PolicyRegistry): Policy;
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
   * call: synchronous, and allocates nothing. `skip`, given for a hedged attempt, names the
   * subchannels this call's earlier attempts went to: a policy that spreads calls passes them
   * over (gRFC A6: hedges go to distinct backends when possible); one that uses a single
   * connection (pick_first) may ignore it. When only skipped ones could take the call, the
   * policy returns undefined and the balancer picks again without `skip`.
   */
  pick<T extends Transport>(subchannels: readonly Subchannel<T>[], skip?: (subchannel: Subchannel<T>) => boolean): T | undefined;
  /** Starts the connection attempts this policy wants when the channel leaves IDLE. */
  exitIdle(subchannels: readonly Subchannel<Transport>[]): void;
  /**
   * The channel's state after a subchannel changed (`current` is the state before); a policy
   * may start the next attempt here, through the ChannelControl it was created with.
   */
  aggregateState(subchannels: readonly Subchannel<Transport>[], current: ConnectivityState): ConnectivityState;
  /**
   * Whether subchannels follow client-side health checks (gRFC A17) under this policy:
   * round_robin does, pick_first does not (A17 "LB Policies Can Disable Health Checking").
   */
  readonly usesHealthChecks: boolean;
  /** Whether the balancer reports each call's end to the picked subchannel's `callCounter`. */
  readonly tracksCalls: boolean;
  /** Orders a new resolver result before subchannels are made for it (pick_first shuffles here, gRFC A62). */
  orderAddresses?(addresses: readonly Address[]): readonly Address[];
  /** The subchannel list changed (a resolver result was applied); called before `exitIdle`. */
  addressesChanged?(subchannels: readonly Subchannel<Transport>[]): void;
  /** The channel closed: stop timers. */
  close?(): void;
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
