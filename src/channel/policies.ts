import { configError } from "./config-fields.js";
import { OUTLIER_DETECTION } from "./outlier-detection.js";
import { PICK_FIRST } from "./pick-first.js";
import type { ChannelControl, LoadBalancingChoice, Policy, PolicyFactory, PolicyRegistry } from "./policy.js";
import { ROUND_ROBIN } from "./round-robin.js";

/** How a channel spreads calls over the resolved addresses: a policy's gRPC name. */
export type LoadBalancingPolicy = "pick_first" | "round_robin";

/**
 * The policies a channel can use, by their gRPC name. A new policy is one file and one line
 * here (and its entry in `LoadBalancingConfigEntry`, load-balancing-config.ts).
 */
const POLICIES: Readonly<Record<string, PolicyFactory<unknown>>> = {
  pick_first: PICK_FIRST as PolicyFactory<unknown>,
  round_robin: ROUND_ROBIN as PolicyFactory<unknown>,
  outlier_detection_experimental: OUTLIER_DETECTION as PolicyFactory<unknown>,
};

/**
 * Chooses the policy of an A2 `loadBalancingConfig` list: the first entry whose policy is
 * registered, with its config validated. Entries naming unknown policies are skipped (A2); a
 * list with no known policy, an entry that is not a one-key object, or an invalid config for
 * the chosen policy is a TypeError naming the JSON path. The service config calls this when it
 * is applied (channel options, or a resolver's config).
 * https://github.com/grpc/grpc/blob/master/doc/service_config.md
 */
export function parseLoadBalancingConfig(list: unknown, path = "loadBalancingConfig"): LoadBalancingChoice {
  return registry.parse(list, path);
}

/**
 * Creates the policy of a parsed choice (or of a bare policy name, with its default config)
 * for one channel. An unknown name is a TypeError: it is a caller's mistake.
 */
export function createPolicy(choice: LoadBalancingChoice | string, control: ChannelControl): Policy {
  return registry.create(typeof choice === "string" ? choiceOfName(choice) : choice, control);
}

/** The choice of a bare policy name with its default config; an unknown name is a TypeError. */
export function choiceOfName(name: string): LoadBalancingChoice {
  if (!Object.hasOwn(POLICIES, name)) throw new TypeError(`channel: unknown load balancing policy ${JSON.stringify(name)}`);
  return registry.parse([{ [name]: {} }], "loadBalancingPolicy");
}

const registry: PolicyRegistry = {
  parse(list, path) {
    if (!Array.isArray(list)) throw configError(path, "must be a list of { policy_name: config } objects");
    for (let i = 0; i < list.length; i++) {
      const entry: unknown = list[i];
      const keys = typeof entry === "object" && entry !== null && !Array.isArray(entry) ? Object.keys(entry) : [];
      if (keys.length !== 1) throw configError(`${path}[${i}]`, "must be an object with exactly one key, the policy name");
      const name = keys[0]!;
      if (!Object.hasOwn(POLICIES, name)) continue;
      const config = POLICIES[name]!.parseConfig((entry as Record<string, unknown>)[name], `${path}[${i}].${name}`, registry);
      return Object.freeze({ name, config });
    }
    throw configError(path, `names no supported policy (supported: ${Object.keys(POLICIES).join(", ")})`);
  },
  create(choice, control) {
    const factory = POLICIES[choice.name];
    if (factory === undefined) throw new TypeError(`channel: unknown load balancing policy ${JSON.stringify(choice.name)}`);
    return factory.create(choice.config, control, registry);
  },
};

/** Tells whether `name` is a policy this channel can create (the service config picks the first such name). */
export function isPolicyName(name: string): name is LoadBalancingPolicy {
  return Object.hasOwn(POLICIES, name);
}
