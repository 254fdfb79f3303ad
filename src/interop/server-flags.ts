import { readFileSync } from "node:fs";
import type { ServerTlsOptions } from "../index.js";
import { ALTS_UNSUPPORTED, type FlagSpec, type ParsedFlags, booleanFlag, flagValue, integerFlag, stringFlag } from "./interop-flags.js";

/**
 * The interop server's flags: the official `--port` and `--use_tls` of
 * doc/interop-test-descriptions.md, grpc-go's `--tls_cert_file`/`--tls_key_file`, and our own
 * `--host`, `--grace_ms` and `--server_id`.
 */
export const SERVER_FLAGS: Readonly<Record<string, FlagSpec>> = {
  port: integerFlag(10000, "the port to listen on; 0 picks a free one (printed)"),
  use_tls: booleanFlag("serve TLS (default certificate: the built-in test one, for localhost and *.test.google.fr)"),
  tls_cert_file: stringFlag("the server certificate chain (PEM) for --use_tls"),
  tls_key_file: stringFlag("the server certificate's private key (PEM) for --use_tls"),
  host: stringFlag("the address to bind (default: every interface)"),
  grace_ms: integerFlag(5000, "on SIGTERM/SIGINT, how long calls in flight may still run"),
  server_id: stringFlag("the server_id UnaryCall returns for fill_server_id (default tsgrpc@<hostname>)"),
  use_alts: booleanFlag("serve ALTS", ALTS_UNSUPPORTED),
};

/** Short aliases of the server flags (`--tls --cert F --key F`). */
export const SERVER_FLAG_ALIASES: Readonly<Record<string, string>> = { tls: "use_tls", cert: "tls_cert_file", key: "tls_key_file" };

/** The server settings that parsed flags describe (reads the certificate files). */
export interface InteropServerSettings {
  readonly port: number;
  readonly host: string | undefined;
  /** TLS options, `true` for the built-in test certificate, or undefined for plaintext. */
  readonly tls: ServerTlsOptions | true | undefined;
  readonly graceMs: number;
  readonly serverId: string | undefined;
}

/**
 * The server settings of parsed flags. Throws RangeError for a port out of range or a
 * certificate without its key (or the reverse), and the file system's error for an unreadable file.
 */
export function serverSettingsFromFlags(flags: ParsedFlags): InteropServerSettings {
  const value = (name: string): string => flagValue(flags, name);
  const port = Number(value("port"));
  if (port > 65535) throw new RangeError(`interop: --port must be a port from 0 to 65535, got ${port}`);
  const certFile = value("tls_cert_file");
  const keyFile = value("tls_key_file");
  if ((certFile === "") !== (keyFile === "")) throw new RangeError("interop: --tls_cert_file and --tls_key_file go together");
  const useTls = value("use_tls") === "true" || certFile !== "";
  let tls: ServerTlsOptions | true | undefined;
  if (useTls) tls = certFile === "" ? true : { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
  return { port, host: value("host") || undefined, tls, graceMs: Number(value("grace_ms")), serverId: value("server_id") || undefined };
}
