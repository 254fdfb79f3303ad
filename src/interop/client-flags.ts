import { readFileSync } from "node:fs";
import { Metadata } from "../index.js";
import { ALTS_UNSUPPORTED, type FlagSpec, type ParsedFlags, booleanFlag, flagValue, integerFlag, stringFlag } from "./interop-flags.js";
import type { InteropClientOptions } from "./run-interop-cases.js";
import { TEST_CA_PEM } from "./test-certificates.js";

const CLOUD_ONLY = "only the cloud-to-prod auth cases use it, and this client does not run them";

/**
 * The interop client's flags: the official ones of doc/interop-test-descriptions.md and grpc-go's
 * interop client, plus `--format` and `--case_timeout_seconds` of our own.
 */
export const CLIENT_FLAGS: Readonly<Record<string, FlagSpec>> = {
  server_host: stringFlag("the server's host name or address", "localhost"),
  server_port: integerFlag(10000, "the server's port"),
  server_host_override: stringFlag("the TLS server name and :authority (default: --server_host)"),
  test_case: stringFlag("the case to run; several comma-separated; `all` for every standard case (see --help)", "large_unary"),
  use_tls: booleanFlag("connect with TLS"),
  use_test_ca: booleanFlag("trust the test CA (--ca_file, else the built-in one) instead of the system roots"),
  ca_file: stringFlag("a CA certificate file (PEM) to trust instead of the system roots"),
  additional_metadata: stringFlag("metadata for every call: key:value;key:value"),
  service_config_json: stringFlag("the default service config (JSON); the resolver's is ignored"),
  soak_iterations: integerFlag(10, "iterations of rpc_soak and channel_soak"),
  soak_max_failures: integerFlag(0, "soak iterations allowed to fail"),
  soak_per_iteration_max_acceptable_latency_ms: integerFlag(1000, "the latency over which a soak iteration fails"),
  soak_overall_timeout_seconds: integerFlag(10, "the time after which a soak case stops and fails"),
  soak_min_time_ms_between_rpcs: integerFlag(0, "the minimum time between soak iterations"),
  soak_request_size: integerFlag(271828, "the request payload of a soak iteration, in bytes"),
  soak_response_size: integerFlag(314159, "the response payload of a soak iteration, in bytes"),
  case_timeout_seconds: integerFlag(60, "a case still running after this long fails"),
  format: stringFlag("the report: text (one line per case) or json", "text"),
  default_service_account: stringFlag("GCE default service account", "", { ignored: CLOUD_ONLY }),
  oauth_scope: stringFlag("OAuth scope", "", { ignored: CLOUD_ONLY }),
  service_account_key_file: stringFlag("service account key file", "", { ignored: CLOUD_ONLY }),
  alts_handshaker_service_address: stringFlag("ALTS handshaker address", "", { ignored: "ALTS is not supported" }),
  proto_root: stringFlag("a folder of grpc/testing protos (this repository's harness passes it)", "", {
    ignored: "the client carries its grpc.testing code",
  }),
  use_alts: booleanFlag("connect with ALTS", ALTS_UNSUPPORTED),
  custom_credentials_type: stringFlag("google_default_credentials or compute_engine_channel_creds", "", {
    unsupported: "Google Cloud credentials are not supported",
  }),
};

/** Short aliases of the client flags. */
export const CLIENT_FLAG_ALIASES: Readonly<Record<string, string>> = { tls: "use_tls", host: "server_host", port: "server_port" };

/**
 * The client options that parsed flags describe (reads `--ca_file`). Throws RangeError for a
 * malformed value (a bad --format, --additional_metadata or port) and the file system's error for
 * an unreadable CA file.
 */
export function clientOptionsFromFlags(flags: ParsedFlags): InteropClientOptions {
  const value = (name: string): string => flagValue(flags, name);
  const integer = (name: string): number => Number(value(name));
  const port = integer("server_port");
  if (port < 1 || port > 65535) throw new RangeError(`interop: --server_port must be a port from 1 to 65535, got ${port}`);
  const format = value("format");
  if (format !== "text" && format !== "json") throw new RangeError(`interop: --format must be text or json, got ${JSON.stringify(format)}`);
  const useTls = value("use_tls") === "true";
  let caPem: string | Uint8Array | undefined;
  if (value("ca_file") !== "") caPem = readFileSync(value("ca_file"));
  else if (value("use_test_ca") === "true") caPem = TEST_CA_PEM;
  const timeoutSeconds = integer("case_timeout_seconds");
  if (timeoutSeconds < 1) throw new RangeError("interop: --case_timeout_seconds must be at least 1");
  return {
    serverHost: value("server_host"),
    serverPort: port,
    serverHostOverride: value("server_host_override") || undefined,
    useTls,
    caPem,
    additionalMetadata: parseAdditionalMetadata(value("additional_metadata")),
    serviceConfigJson: value("service_config_json") || undefined,
    caseTimeoutMs: timeoutSeconds * 1000,
    soakIterations: integer("soak_iterations"),
    soakMaxFailures: integer("soak_max_failures"),
    soakPerIterationMaxLatencyMs: integer("soak_per_iteration_max_acceptable_latency_ms"),
    soakOverallTimeoutMs: integer("soak_overall_timeout_seconds") * 1000,
    soakMinTimeMsBetweenRpcs: integer("soak_min_time_ms_between_rpcs"),
    soakRequestSize: integer("soak_request_size"),
    soakResponseSize: integer("soak_response_size"),
  };
}

/**
 * `--additional_metadata`: `key:value` pairs separated by `;` (a value may hold `:` but not `;`),
 * as grpc-go's client reads it. A `-bin` key's value is sent as the bytes of its text.
 */
export function parseAdditionalMetadata(text: string): Metadata {
  const metadata = new Metadata();
  if (text === "") return metadata;
  for (const pair of text.split(";")) {
    const colon = pair.indexOf(":");
    if (colon <= 0) throw new RangeError(`interop: --additional_metadata: ${JSON.stringify(pair)} is not key:value`);
    const key = pair.slice(0, colon).toLowerCase();
    const value = pair.slice(colon + 1);
    try {
      metadata.add(key, key.endsWith("-bin") ? new TextEncoder().encode(value) : value);
    } catch (error) {
      throw new RangeError(`interop: --additional_metadata: ${(error as Error).message}`);
    }
  }
  return metadata;
}
