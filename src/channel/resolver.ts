import { lookup } from "node:dns/promises";
import { Code, GrpcError, describeError } from "../status/index.js";
import type { Address, Target } from "./target.js";

/** What a resolver may return instead of a bare address list: the addresses and a service config. */
export interface ResolverResult {
  /** The addresses to connect to. */
  readonly addresses: readonly Address[];
  /** A service config (gRFC A2 JSON text) the name's owner publishes, e.g. in DNS TXT `grpc_config=` records. */
  readonly serviceConfig?: string | undefined;
}

/** A resolver's answer in either form, as one shape. */
export function resolverResultOf(result: readonly Address[] | ResolverResult): ResolverResult {
  return isAddressList(result) ? { addresses: result } : result;
}

function isAddressList(result: readonly Address[] | ResolverResult): result is readonly Address[] {
  return Array.isArray(result);
}

/**
 * Resolves a target to the addresses to connect to: every address the system resolver returns
 * for a `dns` target (IPv4 and IPv6, in the resolver's order), the literal list otherwise.
 *
 * A failed lookup is GrpcError(Unavailable) naming DNS and the host.
 * https://github.com/grpc/grpc/blob/master/doc/naming.md
 */
export async function resolveTarget(target: Target): Promise<Address[]> {
  if (target.scheme !== "dns") return [...target.addresses];
  try {
    const found = await lookup(target.host, { all: true, verbatim: true });
    if (found.length === 0) throw new Error("no addresses");
    return found.map((entry) => ({ host: entry.address, port: target.port }));
  } catch (error) {
    throw new GrpcError(Code.Unavailable, `DNS: cannot resolve ${JSON.stringify(target.host)}: ${describeError(error)}`, { cause: error });
  }
}
