import type { ServiceConfigJson } from "../service-config/index.js";
import type { Address } from "./target.js";

/**
 * What a resolver may return instead of a bare address list: the addresses and, when its
 * naming system carries one (DNS TXT `grpc_config=`), a service config. Per gRFC A2 a config
 * from the resolver replaces the channel's default one (unless the channel ignores resolver
 * configs); `null` says "no config", so the default applies again.
 * https://github.com/grpc/proposal/blob/master/A2-service-configs-in-dns.md
 */
export interface ResolverResult {
  readonly addresses: readonly Address[];
  readonly serviceConfig?: ServiceConfigJson | string | null | undefined;
}

/** A resolver's answer in either form, as one shape. */
export function resolverResultOf(result: readonly Address[] | ResolverResult): ResolverResult {
  return Array.isArray(result) ? { addresses: result as readonly Address[] } : (result as ResolverResult);
}
