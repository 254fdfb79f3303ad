import { Resolver } from "node:dns/promises";
import { hostname } from "node:os";
import { Code, GrpcError, describeError } from "../status/index.js";

/** The client a service config choice is matched against (gRFC A2 "Canarying Changes"). */
export interface ServiceConfigClient {
  /** Matched case-insensitively against `clientLanguage`. tsgrpc is "node", as every Node gRPC client. */
  language: string;
  /** Matched exactly against `clientHostname`. */
  hostname: string;
  /** This client's draw in [0, 100): a choice with `percentage: p` matches when the draw is below p. */
  percentageDraw: number;
}

/** The TXT attribute that holds the choices (RFC 1464 form). */
const ATTRIBUTE = "grpc_config=";
const CHOICE_FIELDS = ["clientLanguage", "percentage", "clientHostname", "serviceConfig"];

/**
 * Picks the service config from the TXT records of `_grpc_config.<name>`: the record holding
 * `grpc_config=` (its strings joined, RFC 4408 §3.1.3) is a JSON list of choices, and the first
 * choice whose `clientLanguage`, `percentage` and `clientHostname` all match `client` gives its
 * `serviceConfig`, returned as JSON text. No such record, or no matching choice: undefined.
 *
 * A malformed list or choice (bad JSON, an unknown field, a percentage outside 0-100, a missing
 * `serviceConfig`, two `grpc_config` records) invalidates the whole config (gRFC A2, A21): a
 * GrpcError(Unavailable) naming DNS and the record, so the resolution fails as A21 says.
 * https://github.com/grpc/proposal/blob/master/A2-service-configs-in-dns.md
 */
export function chooseServiceConfig(
  records: readonly (readonly string[])[],
  client: ServiceConfigClient,
  name = "_grpc_config",
): string | undefined {
  const texts = records.map((strings) => strings.join("")).filter((text) => text.startsWith(ATTRIBUTE));
  if (texts.length === 0) return undefined;
  const invalid = (rule: string) => new GrpcError(Code.Unavailable, `DNS: invalid service config in TXT ${name}: ${rule}`);
  if (texts.length > 1) throw invalid(`${texts.length} records hold ${ATTRIBUTE}, one is allowed`);
  let choices: unknown;
  try {
    choices = JSON.parse(texts[0]!.slice(ATTRIBUTE.length));
  } catch (error) {
    throw invalid(`not JSON (${describeError(error)})`);
  }
  if (!Array.isArray(choices)) throw invalid("must be a JSON list of choices");
  let chosen: string | undefined;
  for (let i = 0; i < choices.length; i++) {
    const choice: unknown = choices[i];
    const at = `[${i}]`;
    if (typeof choice !== "object" || choice === null || Array.isArray(choice)) throw invalid(`${at} must be a JSON object`);
    const fields = choice as Record<string, unknown>;
    for (const key of Object.keys(fields))
      if (!CHOICE_FIELDS.includes(key)) throw invalid(`${at} has an unknown field ${JSON.stringify(key)}`);
    const languages = stringList(fields.clientLanguage, `${at}.clientLanguage`, invalid);
    const hostnames = stringList(fields.clientHostname, `${at}.clientHostname`, invalid);
    const percentage = fields.percentage;
    if (percentage !== undefined && (typeof percentage !== "number" || !Number.isInteger(percentage) || percentage < 0 || percentage > 100))
      throw invalid(`${at}.percentage must be an integer from 0 to 100`);
    const config = fields.serviceConfig;
    if (typeof config !== "object" || config === null || Array.isArray(config)) throw invalid(`${at}.serviceConfig must be a JSON object`);
    // Every choice is validated, even after the chosen one: a broken list is never half used.
    if (chosen !== undefined) continue;
    const language = client.language.toLowerCase();
    if (languages.length > 0 && !languages.some((entry) => entry.toLowerCase() === language)) continue;
    if (hostnames.length > 0 && !hostnames.includes(client.hostname)) continue;
    if (percentage !== undefined && !(client.percentageDraw < percentage)) continue;
    chosen = JSON.stringify(config);
  }
  return chosen;
}

function stringList(value: unknown, path: string, invalid: (rule: string) => GrpcError): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string")) throw invalid(`${path} must be a list of strings`);
  return value;
}

/** How `lookupServiceConfig` reaches DNS; every field has a default. */
export interface ServiceConfigLookupOptions {
  /** The TXT lookup. Default: node's resolver (`dns.promises.Resolver#resolveTxt`). */
  resolveTxt?: ((name: string) => Promise<string[][]>) | undefined;
  /** The client matched against the choices. Default: "node", `os.hostname()`, a random draw per lookup. */
  client?: ServiceConfigClient | undefined;
}

/**
 * Looks up the TXT records of `_grpc_config.<host>` and chooses the service config for this
 * client (`chooseServiceConfig`). No record means no config. A lookup that fails otherwise
 * (timeout, refused) also means no config: the addresses still resolve, as in gRPC's resolvers.
 * https://github.com/grpc/grpc/blob/master/doc/service_config.md
 */
export async function lookupServiceConfig(host: string, options: ServiceConfigLookupOptions = {}): Promise<string | undefined> {
  const name = `_grpc_config.${host}`;
  const resolveTxt = options.resolveTxt ?? ((txtName: string) => new Resolver().resolveTxt(txtName));
  let records: string[][];
  try {
    records = await resolveTxt(name);
  } catch {
    // ENODATA/ENOTFOUND (no record) and any other failure alike: the addresses still count.
    return undefined;
  }
  const client = options.client ?? { language: "node", hostname: hostname(), percentageDraw: Math.floor(Math.random() * 100) };
  return chooseServiceConfig(records, client, name);
}
