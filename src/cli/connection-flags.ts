import { readFileSync } from "node:fs";
import { Channel, Metadata, type CallOptions, type TlsOptions } from "../index.js";
import type { ArgumentReader } from "./argument-reader.js";
import { ExitCode } from "./exit-code.js";
import { CliError, UsageError } from "./usage-error.js";

/** The flags every network command shares: how to reach the server, and what each call carries. */
export interface ConnectionFlags {
  /** Request metadata, in order (`-H 'key: value'`, repeatable). */
  headers: [string, string][];
  /** The deadline of each call, in ms (`--timeout 1s`). */
  timeoutMs: number | undefined;
  /** TLS instead of h2c (`--tls`, implied by --cacert, --cert and https:// targets). */
  tls: boolean;
  /** CA certificates file (PEM). */
  cacert: string | undefined;
  /** Client certificate chain file (PEM), for mutual TLS; with `key`. */
  cert: string | undefined;
  /** Client private key file (PEM). */
  key: string | undefined;
  /** TLS server name and `:authority`. */
  authority: string | undefined;
}

/** The help lines of the connection flags. */
export const CONNECTION_USAGE = `  -H, --header 'k: v'      request metadata (repeatable); a -bin key takes base64
  --timeout DURATION       deadline of the call: 500ms, 1.5s, 2m, 1h (a bare number is ms)
  --tls                    use TLS (default for https:// targets)
  --cacert FILE            CA certificate(s) to trust (PEM), implies --tls
  --cert FILE --key FILE   client certificate and key (PEM) for mutual TLS, imply --tls
  --authority NAME         TLS server name and :authority to use (needs TLS)
`;

/** Flags with no value yet. */
export function defaultConnectionFlags(): ConnectionFlags {
  return {
    headers: [],
    timeoutMs: undefined,
    tls: false,
    cacert: undefined,
    cert: undefined,
    key: undefined,
    authority: undefined,
  };
}

/** Reads `flag` into `flags` if it is a connection flag; false if it is not one. */
export function takeConnectionFlag(flag: string, reader: ArgumentReader, flags: ConnectionFlags): boolean {
  switch (flag) {
    case "-H":
    case "--header":
      flags.headers.push(parseHeader(reader.value()));
      return true;
    case "--timeout":
    case "--max-time":
      flags.timeoutMs = parseDurationMs(reader.value());
      return true;
    case "--tls":
      flags.tls = true;
      return true;
    case "--cacert":
      flags.cacert = reader.value();
      flags.tls = true;
      return true;
    case "--cert":
      flags.cert = reader.value();
      flags.tls = true;
      return true;
    case "--key":
      flags.key = reader.value();
      flags.tls = true;
      return true;
    case "--authority":
      flags.authority = reader.value();
      return true;
    default:
      return false;
  }
}

/** Checks the flags that only make sense together. */
export function checkConnectionFlags(flags: ConnectionFlags): void {
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw new UsageError("--cert and --key go together");
}

/** Parses `key: value` into a lowercase key and a trimmed value. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new UsageError(`header ${JSON.stringify(text)} is not of the form 'key: value'`);
  return [text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim()];
}

const DURATION_UNITS_MS: Record<string, number> = { "": 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a timeout such as `1s`, `1.5s`, `250ms`, `2m`, `1h`, or a bare number of ms, into ms. */
export function parseDurationMs(text: string): number {
  const match = /^(\d+(?:\.\d*)?|\.\d+)(ms|s|m|h)?$/.exec(text.trim());
  const ms = match === null ? Number.NaN : Number(match[1]) * DURATION_UNITS_MS[match[2] ?? ""]!;
  if (!Number.isFinite(ms) || ms <= 0)
    throw new UsageError(`--timeout must be a positive duration such as 500ms, 1.5s or 2m, not ${JSON.stringify(text)}`);
  return ms;
}

/** Reads a file named by a flag; a missing or unreadable file is exit code 66 naming the flag and the file. */
export function readFlagFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new CliError(`${flag} ${path}: cannot read the file (${code || (error as Error).message})`, ExitCode.NoInput, {
      cause: error,
    });
  }
}

/** The channel the flags describe: TLS credentials from the files, the server name override. */
export function openChannel(target: string, flags: ConnectionFlags): Channel {
  checkConnectionFlags(flags);
  const secure = flags.tls || target.startsWith("https://");
  if (flags.authority !== undefined && !secure)
    throw new UsageError(
      "--authority needs TLS (--tls, --cacert, or an https:// target): over plaintext the :authority is the target's host",
    );
  let tls: TlsOptions | undefined;
  if (secure) {
    tls = {};
    if (flags.cacert !== undefined) tls.ca = readFlagFile("--cacert", flags.cacert);
    if (flags.cert !== undefined) tls.cert = readFlagFile("--cert", flags.cert);
    if (flags.key !== undefined) tls.key = readFlagFile("--key", flags.key);
    if (flags.authority !== undefined) tls.serverNameOverride = flags.authority;
  }
  try {
    return new Channel(target, { tls, logger: null });
  } catch (error) {
    throw new UsageError(`target ${JSON.stringify(target)}: ${(error as Error).message}`);
  }
}

/** The options of each call: the metadata (binary values decoded from base64) and the deadline. */
export function callOptionsOf(flags: ConnectionFlags): CallOptions {
  const metadata = new Metadata();
  for (const [key, value] of flags.headers) {
    try {
      if (key.endsWith("-bin")) metadata.add(key, Buffer.from(value, "base64"));
      else metadata.add(key, value);
    } catch (error) {
      throw new UsageError(`header ${JSON.stringify(key)}: ${(error as Error).message}`);
    }
  }
  return { metadata, timeoutMs: flags.timeoutMs };
}
