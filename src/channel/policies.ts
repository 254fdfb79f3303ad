import { PickFirst } from "./pick-first.js";
import type { ChannelControl, Policy } from "./policy.js";
import { RoundRobin } from "./round-robin.js";

/** How a channel spreads calls over the resolved addresses: a policy's gRPC name. */
export type LoadBalancingPolicy = "pick_first" | "round_robin";

/**
 * The policies a channel can use, by their gRPC name. A new policy is one file, one line here and
 * its name in LoadBalancingPolicy.
 */
const POLICIES: Record<LoadBalancingPolicy, (control: ChannelControl) => Policy> = {
  pick_first: (control: ChannelControl): Policy => new PickFirst(control),
  round_robin: (): Policy => new RoundRobin(),
};

/**
 * Creates the named policy for one channel. An unknown name is a TypeError: it is a caller's
 * mistake.
 */
export function createPolicy(name: string, control: ChannelControl): Policy {
  if (!Object.hasOwn(POLICIES, name)) throw new TypeError(`channel: unknown load balancing policy ${JSON.stringify(name)}`);
  return POLICIES[name as LoadBalancingPolicy](control);
}

/** Tells whether `name` is a policy this channel can create (the service config picks the first such name). */
export function isPolicyName(name: string): name is LoadBalancingPolicy {
  return Object.hasOwn(POLICIES, name);
}
