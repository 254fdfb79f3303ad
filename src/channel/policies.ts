import { PickFirst } from "./pick-first.js";
import type { ChannelControl, Policy } from "./policy.js";
import { RoundRobin } from "./round-robin.js";

/** The policies a channel can use, by their gRPC name. A new policy is one file and one line here. */
const POLICIES = {
  pick_first: (control: ChannelControl): Policy => new PickFirst(control),
  round_robin: (): Policy => new RoundRobin(),
};

/** How a channel spreads calls over the resolved addresses: a policy name. */
export type LoadBalancingPolicy = keyof typeof POLICIES;

/**
 * Creates the named policy for one channel. An unknown name is a TypeError: it is a caller's
 * mistake.
 */
export function createPolicy(name: string, control: ChannelControl): Policy {
  if (!Object.hasOwn(POLICIES, name)) throw new TypeError(`channel: unknown load balancing policy ${JSON.stringify(name)}`);
  return POLICIES[name as LoadBalancingPolicy](control);
}
